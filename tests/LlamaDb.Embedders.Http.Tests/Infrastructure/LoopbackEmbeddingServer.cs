using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Embedders.Http.Tests.Infrastructure;

/// <summary>A request the loopback server received.</summary>
public sealed record RecordedRequest(string Method, string Path, string? Authorization, string ContentType, string Body, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>The body parsed as JSON.</summary>
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

    /// <summary>The inputs of an OpenAI-style (<c>input</c>) or Cohere-style (<c>texts</c>) request.</summary>
    public IReadOnlyList<string> Inputs
    {
        get
        {
            JsonObject json = Json;
            JsonArray array = (json["input"] ?? json["texts"])!.AsArray();
            return [.. array.Select(node => node!.GetValue<string>())];
        }
    }
}

/// <summary>Answers one request; scripted per test.</summary>
public delegate Task Responder(HttpContext context, RecordedRequest request);

/// <summary>
/// A real Kestrel server on 127.0.0.1 (port 0) that speaks OpenAI's <c>POST /v1/embeddings</c> and Cohere's
/// <c>POST /v2/embed</c> as their documentation defines them, records every request, and answers from a per-test script
/// (queued one-shot responders, then an optional standing handler, then the default wire-format answer).
/// </summary>
public sealed class LoopbackEmbeddingServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly Queue<Responder> _script = new();
    private int _inFlight;
    private int _maxInFlight;

    private LoopbackEmbeddingServer(WebApplication app)
    {
        _app = app;
    }

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Answers requests the script does not; the default wire-format answer when <see langword="null"/>.</summary>
    public Responder? Handler { get; set; }

    /// <summary>Called as each request arrives (before it is answered), with its 1-based arrival number.</summary>
    public Action<int, RecordedRequest>? OnArrival { get; set; }

    /// <summary>The requests received so far, in arrival order.</summary>
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

    /// <summary>The most requests that were being answered at the same time.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public static async Task<LoopbackEmbeddingServer> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        var server = new LoopbackEmbeddingServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseAddress = new Uri(app.Urls.Single());
        return server;
    }

    /// <summary>Queues a one-shot responder for the next unscripted request.</summary>
    public void Enqueue(Responder responder)
    {
        lock (_lock)
        {
            _script.Enqueue(responder);
        }
    }

    /// <summary>Queues <paramref name="count"/> copies of a status-code answer.</summary>
    public void EnqueueStatus(int statusCode, string? body = null, int count = 1, IDictionary<string, string>? headers = null)
    {
        for (int i = 0; i < count; i++)
        {
            Enqueue((context, _) => RespondAsync(context, statusCode, body, headers));
        }
    }

    public static async Task RespondAsync(HttpContext context, int statusCode, string? body, IDictionary<string, string>? headers = null)
    {
        context.Response.StatusCode = statusCode;
        if (headers is not null)
        {
            foreach ((string name, string value) in headers)
            {
                context.Response.Headers[name] = value;
            }
        }

        if (body is not null)
        {
            context.Response.ContentType = body.StartsWith('{') ? "application/json" : "text/plain";
            await context.Response.WriteAsync(body);
        }
    }

    /// <summary>The deterministic vector the default answers give for <paramref name="text"/>.</summary>
    public static float[] ExpectedVector(string text, int dimensions)
    {
        var vector = new float[dimensions];
        int sum = 0;
        foreach (char c in text)
        {
            sum += c;
        }

        for (int j = 0; j < dimensions; j++)
        {
            vector[j] = (text.Length * 0.25f) + (j * 0.125f) + ((sum % 97) / 1024f) - 1.5f;
        }

        return vector;
    }

    /// <summary>The deterministic int8 vector the default Cohere answer gives.</summary>
    public static sbyte[] ExpectedInt8(string text, int dimensions)
    {
        var vector = new sbyte[dimensions];
        for (int j = 0; j < dimensions; j++)
        {
            vector[j] = (sbyte)(((text.Length * 7) + (j * 31)) % 256 - 128);
        }

        return vector;
    }

    /// <summary>The deterministic packed-bit bytes (unsigned) the default Cohere answer gives for binary and ubinary.</summary>
    public static byte[] ExpectedPackedBits(string text, int dimensions)
    {
        var bytes = new byte[dimensions / 8];
        for (int j = 0; j < bytes.Length; j++)
        {
            bytes[j] = (byte)((text.Length * 37) + (j * 101) + 5);
        }

        return bytes;
    }

    /// <summary>The default OpenAI-style answer: data in reverse index order, usage = total characters.</summary>
    public static Task OpenAIResponseAsync(HttpContext context, RecordedRequest request)
    {
        JsonObject json = request.Json;
        IReadOnlyList<string> inputs = request.Inputs;
        int dimensions = json["dimensions"]?.GetValue<int>() ?? 4;
        bool base64 = json["encoding_format"]?.GetValue<string>() == "base64";
        var data = new JsonArray();
        for (int i = inputs.Count - 1; i >= 0; i--)
        {
            float[] vector = ExpectedVector(inputs[i], dimensions);
            data.Add(new JsonObject
            {
                ["object"] = "embedding",
                ["index"] = i,
                ["embedding"] = base64 ? JsonValue.Create(ToBase64(vector)) : new JsonArray([.. vector.Select(v => (JsonNode?)JsonValue.Create(v))]),
            });
        }

        int tokens = inputs.Sum(text => text.Length);
        var response = new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = json["model"]?.GetValue<string>() ?? "served-model",
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        };
        return RespondAsync(context, 200, response.ToJsonString());
    }

    /// <summary>The default Cohere v2 answer: every requested embedding type, billed units = total characters.</summary>
    public static Task CohereResponseAsync(HttpContext context, RecordedRequest request)
    {
        JsonObject json = request.Json;
        IReadOnlyList<string> texts = request.Inputs;
        int dimensions = json["output_dimension"]?.GetValue<int>() ?? 16;
        var embeddings = new JsonObject();
        foreach (JsonNode? type in json["embedding_types"]?.AsArray() ?? [JsonValue.Create("float")])
        {
            string name = type!.GetValue<string>();
            embeddings[name] = new JsonArray([.. texts.Select(text => (JsonNode?)CohereVector(name, text, dimensions))]);
        }

        var response = new JsonObject
        {
            ["id"] = "a1b2c3",
            ["embeddings"] = embeddings,
            ["texts"] = new JsonArray([.. texts.Select(text => (JsonNode?)JsonValue.Create(text))]),
            ["meta"] = new JsonObject
            {
                ["api_version"] = new JsonObject { ["version"] = "2" },
                ["billed_units"] = new JsonObject { ["input_tokens"] = texts.Sum(text => text.Length) },
            },
            ["response_type"] = "embeddings_by_type",
        };
        return RespondAsync(context, 200, response.ToJsonString());
    }

    public static JsonArray CohereVector(string type, string text, int dimensions) => type switch
    {
        "float" => new JsonArray([.. ExpectedVector(text, dimensions).Select(v => (JsonNode?)JsonValue.Create(v))]),
        "int8" => new JsonArray([.. ExpectedInt8(text, dimensions).Select(v => (JsonNode?)JsonValue.Create((int)v))]),
        "uint8" => new JsonArray([.. ExpectedInt8(text, dimensions).Select(v => (JsonNode?)JsonValue.Create(v + 128))]),
        "ubinary" => new JsonArray([.. ExpectedPackedBits(text, dimensions).Select(v => (JsonNode?)JsonValue.Create((int)v))]),
        "binary" => new JsonArray([.. ExpectedPackedBits(text, dimensions).Select(v => (JsonNode?)JsonValue.Create(v - 128))]),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown embedding type."),
    };

    public static string ToBase64(float[] vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (int i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        }

        return Convert.ToBase64String(bytes);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        string body = await reader.ReadToEndAsync();
        var request = new RecordedRequest(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.Headers.Authorization.Count > 0 ? context.Request.Headers.Authorization.ToString() : null,
            context.Request.ContentType ?? "",
            body,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase));
        int arrival;
        Responder? scripted = null;
        lock (_lock)
        {
            _requests.Add(request);
            arrival = _requests.Count;
            _script.TryDequeue(out scripted);
        }

        int inFlight = Interlocked.Increment(ref _inFlight);
        int max;
        while (inFlight > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, inFlight, max) != max)
        {
        }

        try
        {
            OnArrival?.Invoke(arrival, request);
            Responder responder = scripted ?? Handler ?? DefaultResponder;
            await responder(context, request);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static Task DefaultResponder(HttpContext context, RecordedRequest request) => request.Path switch
    {
        "/v1/embeddings" => OpenAIResponseAsync(context, request),
        "/v2/embed" => CohereResponseAsync(context, request),
        _ => RespondAsync(context, 404, "{\"message\":\"no route " + request.Path.ToString(CultureInfo.InvariantCulture) + "\"}"),
    };
}
