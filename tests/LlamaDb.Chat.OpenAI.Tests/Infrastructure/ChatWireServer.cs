using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Chat.OpenAI.Tests.Infrastructure;

/// <summary>One request the server received.</summary>
public sealed record ChatRequest(int Number, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>Gets the body parsed as JSON.</summary>
    public JsonNode Json => JsonNode.Parse(Body)!;
}

/// <summary>
/// A real Kestrel server on 127.0.0.1 speaking OpenAI's <c>POST /v1/chat/completions</c> (and Azure's
/// <c>/openai/v1/chat/completions</c>): JSON completions, server-sent events (<c>data: {...}</c> blocks ending with
/// <c>data: [DONE]</c>) and JSON error bodies. Records every request; each test scripts the responses.
/// </summary>
public sealed class ChatWireServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpContext, ChatRequest, Task>> _script = new();
    private readonly List<ChatRequest> _requests = [];
    private readonly Lock _lock = new();

    private ChatWireServer(WebApplication app) => _app = app;

    /// <summary>Gets the base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets the OpenAI-style API base (<c>{base}/v1</c>).</summary>
    public Uri V1 => new(BaseAddress, "/v1");

    /// <summary>Gets the requests received so far, in arrival order.</summary>
    public IReadOnlyList<ChatRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Gets the single request received (fails when there were more or fewer).</summary>
    public ChatRequest Single => Assert.Single(Requests);

    public static async Task<ChatWireServer> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        WebApplication app = builder.Build();
        var server = new ChatWireServer(app);
        app.MapPost("/{**path}", server.HandleAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseAddress = new Uri(address);
        return server;
    }

    /// <summary>Queues a raw response.</summary>
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

    /// <summary>Queues a non-streaming completion with text content.</summary>
    public void EnqueueCompletion(string content, string finishReason = "stop", string model = "test-model", int promptTokens = 11, int completionTokens = 7) =>
        Enqueue(200, Completion(new JsonObject { ["role"] = "assistant", ["content"] = content }, finishReason, model, promptTokens, completionTokens));

    /// <summary>A chat.completion body around <paramref name="message"/>.</summary>
    public static string Completion(JsonObject message, string finishReason, string model = "test-model", int promptTokens = 11, int completionTokens = 7) =>
        new JsonObject
        {
            ["id"] = "chatcmpl-123",
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = model,
            ["system_fingerprint"] = "fp_1",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["logprobs"] = null, ["finish_reason"] = finishReason }),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = promptTokens,
                ["completion_tokens"] = completionTokens,
                ["total_tokens"] = promptTokens + completionTokens,
                ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = 3 },
                ["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 2 },
            },
        }.ToJsonString();

    /// <summary>A chat.completion.chunk with a delta (and optionally a finish reason).</summary>
    public static string Chunk(JsonObject delta, string? finishReason = null, string model = "test-model") =>
        new JsonObject
        {
            ["id"] = "chatcmpl-s1",
            ["object"] = "chat.completion.chunk",
            ["created"] = 1_700_000_001,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }),
        }.ToJsonString();

    /// <summary>A text delta chunk.</summary>
    public static string TextChunk(string text) => Chunk(new JsonObject { ["content"] = text });

    /// <summary>The last chunk of a stream asked to include usage: no choices, only usage.</summary>
    public static string UsageChunk(int promptTokens, int completionTokens) =>
        new JsonObject
        {
            ["id"] = "chatcmpl-s1",
            ["object"] = "chat.completion.chunk",
            ["created"] = 1_700_000_001,
            ["model"] = "test-model",
            ["choices"] = new JsonArray(),
            ["usage"] = new JsonObject { ["prompt_tokens"] = promptTokens, ["completion_tokens"] = completionTokens, ["total_tokens"] = promptTokens + completionTokens },
        }.ToJsonString();

    /// <summary>Queues a server-sent-event stream: one <c>data:</c> event per payload (flushed one by one), then <c>data: [DONE]</c>.</summary>
    public void EnqueueStream(params string[] payloads) =>
        _script.Enqueue(async (context, _) =>
        {
            await StartStreamAsync(context);
            foreach (string payload in payloads)
            {
                await WriteEventAsync(context, payload);
            }

            await WriteEventAsync(context, "[DONE]");
        });

    /// <summary>
    /// Queues a stream that sends <paramref name="payloads"/> and then waits, never ending, until the client goes away.
    /// The returned task completes when the server sees the client abort the request.
    /// </summary>
    public Task EnqueueStreamThenHold(params string[] payloads)
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _script.Enqueue(async (context, _) =>
        {
            await StartStreamAsync(context);
            foreach (string payload in payloads)
            {
                await WriteEventAsync(context, payload);
            }

            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                aborted.TrySetResult();
            }
        });
        return aborted.Task;
    }

    /// <summary>Queues a custom responder.</summary>
    public void Enqueue(Func<HttpContext, ChatRequest, Task> responder) => _script.Enqueue(responder);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task StartStreamAsync(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.Body.FlushAsync();
    }

    private static async Task WriteEventAsync(HttpContext context, string payload)
    {
        await context.Response.WriteAsync("data: " + payload + "\n\n");
        await context.Response.Body.FlushAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        string body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        ChatRequest request;
        lock (_lock)
        {
            request = new ChatRequest(_requests.Count + 1, context.Request.Path, headers, body);
            _requests.Add(request);
        }

        if (_script.TryDequeue(out var responder))
        {
            await responder(context, request);
        }
        else
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync("{\"error\":{\"message\":\"no scripted response\",\"type\":\"test\"}}");
        }
    }
}
