using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlamaDb.Embedders.Http;
using LlamaDb.Embedders.Onnx;
using LlamaDb.Server.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Embeddings;

namespace LlamaDb.Server.Tests;

/// <summary>/v1/embeddings and /v2/embed with the real ONNX embedder (synthetic-embedder-tiny), called by real clients.</summary>
public sealed class EmbeddingEndpointTests : IAsyncLifetime
{
    private static readonly string s_model = TestPaths.Models("synthetic-embedder-tiny");
    private ServerHost _server = null!;
    private OnnxEmbeddingGenerator _reference = null!;

    public async Task InitializeAsync()
    {
        _reference = await OnnxEmbeddingGenerator.CreateAsync(s_model);
        _server = await ServerHost.StartAsync(o => o.Model = s_model);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _reference.Dispose();
    }

    [Fact]
    public async Task OpenAISdkEmbeddingClient_Base64Default_ReturnsTheModelsVectors()
    {
        string[] texts = ["LlamaDb stores vectors.", "A second, longer sentence about write-ahead logs and snapshots."];
        var client = new EmbeddingClient("any-model", new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(_server.BaseAddress, "/v1") });

        OpenAIEmbeddingCollection result = await client.GenerateEmbeddingsAsync(texts);

        GeneratedEmbeddings<Embedding<float>> expected = await _reference.GenerateAsync(texts);
        Assert.Equal(2, result.Count);
        Assert.Equal(_reference.ModelId, result.Model);
        Assert.True(result.Usage.InputTokenCount > 0);
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(i, result[i].Index);
            float[] actual = result[i].ToFloats().ToArray();
            Assert.Equal(_reference.Dimensions, actual.Length);
            AssertClose(expected[i].Vector.Span, actual);
        }
    }

    [Fact]
    public async Task OpenAISdkEmbeddingClient_Dimensions_CutsAndRenormalizes()
    {
        var client = new EmbeddingClient("any-model", new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(_server.BaseAddress, "/v1") });

        OpenAIEmbedding result = await client.GenerateEmbeddingAsync("short vectors", new OpenAI.Embeddings.EmbeddingGenerationOptions { Dimensions = 8 });

        float[] vector = result.ToFloats().ToArray();
        Assert.Equal(8, vector.Length);
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 4);
    }

    [Fact]
    public async Task V1Embeddings_FloatFormatAndStringInput_HasOpenAIShape()
    {
        using HttpClient http = _server.CreateClient();

        JsonElement body = await http.PostJsonAsync("/v1/embeddings", new { input = "one text", model = "m", encoding_format = "float" });

        Assert.Equal("list", body.GetProperty("object").GetString());
        JsonElement item = Assert.Single(body.GetProperty("data").EnumerateArray());
        Assert.Equal("embedding", item.GetProperty("object").GetString());
        Assert.Equal(0, item.GetProperty("index").GetInt32());
        Assert.Equal(_reference.Dimensions, item.GetProperty("embedding").GetArrayLength());
        Assert.Equal(_reference.ModelId, body.GetProperty("model").GetString());
        Assert.True(body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task V1Embeddings_TokenIdsOrBadFormat_AreProblems()
    {
        using HttpClient http = _server.CreateClient();

        using HttpResponseMessage tokens = await http.PostAsJsonAsync("/v1/embeddings", new { input = new[] { 1, 2, 3 }, model = "m" });
        using HttpResponseMessage format = await http.PostAsJsonAsync("/v1/embeddings", new { input = "x", model = "m", encoding_format = "int8" });
        using HttpResponseMessage dimensions = await http.PostAsJsonAsync("/v1/embeddings", new { input = "x", model = "m", dimensions = 100_000 });

        Assert.Contains("input[0]", (await Http.AssertProblemAsync(tokens, 400)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("encoding_format", (await Http.AssertProblemAsync(format, 400)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("dimensions", (await Http.AssertProblemAsync(dimensions, 400)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAICompatibleEmbeddingGenerator_AgainstServer_ReturnsTheModelsVectors()
    {
        string[] texts = ["alpha beta", "gamma delta", "epsilon"];
        using var generator = new OpenAICompatibleEmbeddingGenerator(new OpenAICompatibleEmbeddingOptions { Endpoint = _server.BaseAddress, Model = "whatever" });

        GeneratedEmbeddings<Embedding<float>> actual = await generator.GenerateAsync(texts);

        GeneratedEmbeddings<Embedding<float>> expected = await _reference.GenerateAsync(texts);
        Assert.Equal(texts.Length, actual.Count);
        for (int i = 0; i < texts.Length; i++)
        {
            AssertClose(expected[i].Vector.Span, actual[i].Vector.ToArray());
        }
    }

    [Fact]
    public async Task CohereEmbeddingGenerator_AgainstServer_ReturnsTheModelsVectors()
    {
        string[] texts = ["how are writes made durable?", "snapshots and the log"];
        using var generator = new CohereEmbeddingGenerator(new CohereEmbeddingOptions { Endpoint = _server.BaseAddress, Model = "embed-test", ApiKey = "unused" });

        GeneratedEmbeddings<Embedding<float>> actual = await generator.GenerateAsync(texts);

        GeneratedEmbeddings<Embedding<float>> expected = await _reference.GenerateAsync(texts);
        Assert.Equal(texts.Length, actual.Count);
        for (int i = 0; i < texts.Length; i++)
        {
            AssertClose(expected[i].Vector.Span, actual[i].Vector.ToArray());
        }
    }

    [Fact]
    public async Task Health_ReportsModelAndDimensions()
    {
        using HttpClient http = _server.CreateClient();

        JsonElement health = await http.GetJsonAsync("/health");

        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal(_reference.Dimensions, health.GetProperty("dimensions").GetInt32());
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheEndpoints()
    {
        using HttpClient http = _server.CreateClient();

        using HttpResponseMessage response = await http.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        JsonElement paths = document.GetProperty("paths");
        foreach (string path in (string[])["/v1/embeddings", "/v2/rerank", "/v2/embed", "/v1/collections", "/v1/collections/{name}/search", "/v1/collections/{name}/documents", "/ask", "/health"])
        {
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI document lacks {path}");
        }
    }

    private static void AssertClose(ReadOnlySpan<float> expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-5f, $"dimension {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
