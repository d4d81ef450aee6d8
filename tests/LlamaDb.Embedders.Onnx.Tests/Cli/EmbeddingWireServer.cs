using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Embedders.Onnx.Tests.Cli;

/// <summary>One request the <see cref="EmbeddingWireServer"/> received: path, headers (lower-case names) and JSON body.</summary>
internal sealed record WireRequest(string Path, IReadOnlyDictionary<string, string> Headers, JsonObject Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out string? value) ? value : null;

    public string[] Inputs => [.. (Body["input"] ?? Body["texts"])!.AsArray().Select(node => node!.GetValue<string>())];
}

/// <summary>
/// A real Kestrel server on 127.0.0.1 (port 0) answering embeddings requests in each provider's wire format:
/// OpenAI <c>POST /v1/embeddings</c>, Azure OpenAI <c>POST /openai/v1/embeddings</c> (same body, <c>api-key</c> header) and
/// Cohere <c>POST /v2/embed</c> (<c>embeddings.float</c>, <c>meta.billed_units</c>). Vectors come from <see cref="VectorFor"/>.
/// </summary>
internal sealed class EmbeddingWireServer : IAsyncDisposable
{
    public const int Dimensions = 5;

    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly List<WireRequest> _requests = [];

    private EmbeddingWireServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets or sets a status every request is answered with (and the provider's error body), instead of embeddings.</summary>
    public int? FailWithStatus { get; set; }

    /// <summary>Gets or sets whether OpenAI-style answers leave out <c>usage</c> (as some self-hosted servers do).</summary>
    public bool OmitUsage { get; set; }

    /// <summary>Gets or sets the <c>model</c> OpenAI-style answers report; the request's model when <see langword="null"/>.</summary>
    public string? ReportedModel { get; set; }

    public IReadOnlyList<WireRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<EmbeddingWireServer> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        var server = new EmbeddingWireServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseAddress = new Uri(app.Urls.Single());
        return server;
    }

    /// <summary>The vector the server sends for <paramref name="text"/>: fixed, distinct per text, not normalized.</summary>
    public static float[] VectorFor(string text)
    {
        var vector = new float[Dimensions];
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        for (int i = 0; i < vector.Length; i++)
        {
            vector[i] = ((int)((hash >> (i * 5)) & 31) - 15) / 7f;
        }

        return vector;
    }

    /// <summary>The usage the server reports: one token per character (any fixed rule the test can recompute).</summary>
    public static int TokensFor(IEnumerable<string> texts) => texts.Sum(t => t.Length);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        string path = context.Request.Path.Value ?? string.Empty;
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        JsonObject body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        var request = new WireRequest(path, headers, body);
        lock (_lock)
        {
            _requests.Add(request);
        }

        bool cohere = path == "/v2/embed";
        if (!cohere && path is not ("/v1/embeddings" or "/openai/v1/embeddings"))
        {
            context.Response.StatusCode = 404;
            return;
        }

        context.Response.ContentType = "application/json";
        if (FailWithStatus is { } status)
        {
            context.Response.StatusCode = status;
            await context.Response.WriteAsync(cohere
                ? """{"message":"invalid api token"}"""
                : """{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""");
            return;
        }

        await using var json = new Utf8JsonWriter(context.Response.Body);
        string[] inputs = request.Inputs;
        if (cohere)
        {
            WriteCohere(json, inputs);
        }
        else
        {
            WriteOpenAI(json, inputs, body["model"]?.GetValue<string>(), body["encoding_format"]?.GetValue<string>() == "base64");
        }

        await json.FlushAsync();
    }

    private void WriteOpenAI(Utf8JsonWriter json, string[] inputs, string? model, bool base64)
    {
        json.WriteStartObject();
        json.WriteString("object", "list");
        json.WriteStartArray("data");
        for (int i = 0; i < inputs.Length; i++)
        {
            float[] vector = VectorFor(inputs[i]);
            json.WriteStartObject();
            json.WriteString("object", "embedding");
            json.WriteNumber("index", i);
            if (base64)
            {
                // OpenAI's base64 form: the little-endian float32 bytes (this machine is little-endian, as x64 and arm64 are).
                json.WriteBase64String("embedding", MemoryMarshal.AsBytes(vector.AsSpan()));
            }
            else
            {
                json.WriteStartArray("embedding");
                foreach (float value in vector)
                {
                    json.WriteNumberValue(value);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("model", ReportedModel ?? model ?? "server-default-model");
        if (!OmitUsage)
        {
            json.WriteStartObject("usage");
            json.WriteNumber("prompt_tokens", TokensFor(inputs));
            json.WriteNumber("total_tokens", TokensFor(inputs));
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WriteCohere(Utf8JsonWriter json, string[] inputs)
    {
        json.WriteStartObject();
        json.WriteString("id", "00000000-0000-0000-0000-000000000001");
        json.WriteStartObject("embeddings");
        json.WriteStartArray("float");
        foreach (string input in inputs)
        {
            json.WriteStartArray();
            foreach (float value in VectorFor(input))
            {
                json.WriteNumberValue(value);
            }

            json.WriteEndArray();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteStartArray("texts");
        foreach (string input in inputs)
        {
            json.WriteStringValue(input);
        }

        json.WriteEndArray();
        json.WriteStartObject("meta");
        json.WriteStartObject("api_version");
        json.WriteString("version", "2");
        json.WriteEndObject();
        json.WriteStartObject("billed_units");
        json.WriteNumber("input_tokens", TokensFor(inputs));
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteString("response_type", "embeddings_by_type");
        json.WriteEndObject();
    }
}
