using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Embedders.OpenAI.Tests.Infrastructure;

/// <summary>One request the server received.</summary>
public sealed record RecordedRequest(
    int Number,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    IReadOnlyList<string> Input,
    string? Model,
    int? Dimensions,
    string? EncodingFormat);

/// <summary>
/// A real Kestrel server on 127.0.0.1 speaking OpenAI's <c>POST /v1/embeddings</c> and Azure's
/// <c>POST /openai/v1/embeddings</c> wire format. Records every request; each test scripts the next responses
/// (status + body + headers, a dropped connection, a held response) and otherwise gets well-formed embeddings.
/// </summary>
public sealed class OpenAIWireServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpContext, RecordedRequest, Task>> _script = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];
    private readonly List<TaskCompletionSource> _holds = [];
    private readonly Lock _lock = new();

    private OpenAIWireServer(WebApplication app) => _app = app;

    /// <summary>Gets the server's base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets the OpenAI-style API base (<c>{base}/v1</c>).</summary>
    public Uri OpenAIEndpoint => new(BaseAddress, "/v1");

    /// <summary>Gets or sets a responder used when the script is empty; null serves embeddings.</summary>
    public Func<HttpContext, RecordedRequest, Task>? DefaultResponder { get; set; }

    /// <summary>Gets or sets a value indicating whether to answer float arrays even when base64 is asked for.</summary>
    public bool AlwaysFloatArrays { get; set; }

    /// <summary>Gets or sets the dimensions served when the request names none.</summary>
    public int DefaultDimensions { get; set; } = 4;

    /// <summary>Gets the requests received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<OpenAIWireServer> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        WebApplication app = builder.Build();
        var server = new OpenAIWireServer(app);
        app.MapPost("/v1/embeddings", server.HandleAsync);
        app.MapPost("/openai/v1/embeddings", server.HandleAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseAddress = new Uri(address);
        return server;
    }

    /// <summary>The vector the server returns for <paramref name="text"/>: a function of the text, so tests can check order.</summary>
    public static float[] VectorFor(string text, int dimensions)
    {
        var vector = new float[dimensions];
        int sum = 0;
        foreach (char c in text)
        {
            sum = unchecked((sum * 31) + c);
        }

        for (int k = 0; k < dimensions; k++)
        {
            vector[k] = k switch
            {
                0 => text.Length,
                1 => Math.Abs(sum % 100_000),
                _ => k + (text.Length / 1000f),
            };
        }

        return vector;
    }

    /// <summary>Queues a response with a status, a body and headers.</summary>
    public void Enqueue(int status, string body, params (string Name, string Value)[] headers) =>
        _script.Enqueue(async (context, _) =>
        {
            context.Response.StatusCode = status;
            foreach ((string name, string value) in headers)
            {
                context.Response.Headers[name] = value;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body);
        });

    /// <summary>Queues an OpenAI error body.</summary>
    public void EnqueueError(int status, string message, string type = "invalid_request_error", string? code = null, params (string Name, string Value)[] headers) =>
        Enqueue(status, JsonSerializer.Serialize(new { error = new { message, type, param = (string?)null, code } }), headers);

    /// <summary>Queues a dropped connection (no response).</summary>
    public void EnqueueAbort() => _script.Enqueue((context, _) =>
    {
        context.Abort();
        return Task.CompletedTask;
    });

    /// <summary>Queues a response held until the returned source completes (or the client gives up).</summary>
    public TaskCompletionSource EnqueueHold()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _holds.Add(release);
        }

        _script.Enqueue(async (context, request) =>
        {
            try
            {
                await release.Task.WaitAsync(context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await WriteEmbeddingsAsync(context, request);
        });
        return release;
    }

    /// <summary>Queues a custom responder.</summary>
    public void Enqueue(Func<HttpContext, RecordedRequest, Task> responder) => _script.Enqueue(responder);

    /// <summary>Completes when at least <paramref name="count"/> requests have arrived.</summary>
    public Task WaitForRequestsAsync(int count)
    {
        lock (_lock)
        {
            if (_requests.Count >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, signal));
            return signal.Task;
        }
    }

    /// <summary>Writes a well-formed embeddings response for the request (base64 when asked, unless <see cref="AlwaysFloatArrays"/>).</summary>
    public async Task WriteEmbeddingsAsync(HttpContext context, RecordedRequest request)
    {
        int dimensions = request.Dimensions ?? DefaultDimensions;
        bool base64 = request.EncodingFormat == "base64" && !AlwaysFloatArrays;
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            int tokens = 0;
            for (int i = 0; i < request.Input.Count; i++)
            {
                float[] vector = VectorFor(request.Input[i], dimensions);
                tokens += request.Input[i].Length;
                writer.WriteStartObject();
                writer.WriteString("object", "embedding");
                writer.WriteNumber("index", i);
                if (base64)
                {
                    writer.WriteBase64String("embedding", MemoryMarshal.AsBytes(vector.AsSpan()));
                }
                else
                {
                    writer.WriteStartArray("embedding");
                    foreach (float v in vector)
                    {
                        writer.WriteNumberValue(v);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("model", request.Model);
            writer.WriteStartObject("usage");
            writer.WriteNumber("prompt_tokens", tokens);
            writer.WriteNumber("total_tokens", tokens);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            foreach (TaskCompletionSource hold in _holds)
            {
                hold.TrySetResult();
            }
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        string body = await reader.ReadToEndAsync();
        var input = new List<string>();
        string? model = null;
        int? dimensions = null;
        string? encoding = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            JsonElement root = document.RootElement;
            if (root.TryGetProperty("input", out JsonElement inputElement))
            {
                if (inputElement.ValueKind == JsonValueKind.Array)
                {
                    input.AddRange(inputElement.EnumerateArray().Select(e => e.GetString() ?? ""));
                }
                else
                {
                    input.Add(inputElement.GetString() ?? "");
                }
            }

            model = root.TryGetProperty("model", out JsonElement m) ? m.GetString() : null;
            dimensions = root.TryGetProperty("dimensions", out JsonElement d) ? d.GetInt32() : null;
            encoding = root.TryGetProperty("encoding_format", out JsonElement f) ? f.GetString() : null;
        }
        catch (JsonException)
        {
            // Recorded as is; the responder decides.
        }

        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        RecordedRequest request;
        lock (_lock)
        {
            request = new RecordedRequest(_requests.Count + 1, context.Request.Path, headers, body, input, model, dimensions, encoding);
            _requests.Add(request);
            foreach ((int count, TaskCompletionSource signal) in _waiters.ToArray())
            {
                if (_requests.Count >= count)
                {
                    signal.TrySetResult();
                    _waiters.Remove((count, signal));
                }
            }
        }

        Func<HttpContext, RecordedRequest, Task> responder = _script.TryDequeue(out var scripted)
            ? scripted
            : DefaultResponder ?? WriteEmbeddingsAsync;
        await responder(context, request);
    }
}

/// <summary>Collects formatted log lines (and exceptions) from every logger it creates.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(_lines);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(string.Create(CultureInfo.InvariantCulture, $"{logLevel}: {formatter(state, exception)} {exception}"));
    }
}
