using System.Net;
using LlamaDb.Embedders.OpenAI.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Embedders.OpenAI.Tests.Embeddings;

public sealed class OpenAIEmbeddingGeneratorTests
{
    internal const string Key = "sk-test-SECRETKEY1234567890abcdef";

    internal static OpenAIEmbeddingGenerator Create(OpenAIWireServer server, Action<OpenAIEmbeddingOptions>? configure = null, ILogger? logger = null)
    {
        var options = new OpenAIEmbeddingOptions
        {
            ApiKey = Key,
            Endpoint = server.OpenAIEndpoint,
            RetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(4),
        };
        configure?.Invoke(options);
        return new OpenAIEmbeddingGenerator(options, logger);
    }

    internal static string[] Texts(int count, string prefix = "text") => [.. Enumerable.Range(0, count).Select(i => $"{prefix}{i}")];

    internal static void AssertVectorsInOrder(IReadOnlyList<string> inputs, GeneratedEmbeddings<Embedding<float>> result, int dimensions = 4)
    {
        Assert.Equal(inputs.Count, result.Count);
        for (int i = 0; i < inputs.Count; i++)
        {
            Assert.Equal(OpenAIWireServer.VectorFor(inputs[i], dimensions), result[i].Vector.ToArray());
        }
    }

    [Fact]
    public async Task GenerateAsync_TwoInputs_SendsOpenAIRequestWithBearerKey()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        using OpenAIEmbeddingGenerator generator = Create(server, o => o.Dimensions = 8);

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(["hello", "wörld"]);

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("/v1/embeddings", request.Path);
        Assert.Equal("""{"input":["hello","w\u00F6rld"],"model":"text-embedding-3-small","encoding_format":"base64","dimensions":8}""", request.Body);
        Assert.Equal(["hello", "wörld"], request.Input);
        Assert.Equal("Bearer " + Key, request.Headers["Authorization"]);
        Assert.False(request.Headers.ContainsKey("api-key"));
        AssertVectorsInOrder(["hello", "wörld"], result, 8);
        Assert.All(result, e => Assert.Equal("text-embedding-3-small", e.ModelId));
        Assert.Equal(10, result.Usage?.InputTokenCount);
        Assert.Equal(10, result.Usage?.TotalTokenCount);
    }

    [Fact]
    public async Task GenerateAsync_NoDimensions_OmitsDimensionsField()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        using OpenAIEmbeddingGenerator generator = Create(server, o => o.Model = "text-embedding-ada-002");

        await generator.GenerateAsync(["a"]);

        Assert.Equal("""{"input":["a"],"model":"text-embedding-ada-002","encoding_format":"base64"}""", Assert.Single(server.Requests).Body);
    }

    [Fact]
    public async Task GenerateAsync_OptionsOverrideModelAndDimensions_SentInRequest()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        using OpenAIEmbeddingGenerator generator = Create(server, o => o.Dimensions = 8);

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(
            ["a"], new EmbeddingGenerationOptions { ModelId = "text-embedding-3-large", Dimensions = 16 });

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("text-embedding-3-large", request.Model);
        Assert.Equal(16, request.Dimensions);
        Assert.Equal(16, result[0].Dimensions);
        Assert.Equal("text-embedding-3-large", result[0].ModelId);
    }

    [Fact]
    public async Task GenerateAsync_UserAdditionalProperty_SentAsUser()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        using OpenAIEmbeddingGenerator generator = Create(server);

        await generator.GenerateAsync(["a"], new EmbeddingGenerationOptions { AdditionalProperties = new() { ["user"] = "user-42" } });

        Assert.Equal("""{"input":["a"],"model":"text-embedding-3-small","encoding_format":"base64","user":"user-42"}""", Assert.Single(server.Requests).Body);
    }

    [Fact]
    public async Task GenerateAsync_OrganizationAndProject_SentAsHeaders()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        using OpenAIEmbeddingGenerator generator = Create(server, o =>
        {
            o.Organization = "org-123";
            o.Project = "proj-456";
        });

        await generator.GenerateAsync(["a"]);

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("org-123", request.Headers["OpenAI-Organization"]);
        Assert.Equal("proj-456", request.Headers["OpenAI-Project"]);
    }

    [Fact]
    public async Task GenerateAsync_FloatArrayResponse_Parsed()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.AlwaysFloatArrays = true;
        using OpenAIEmbeddingGenerator generator = Create(server);

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(["alpha", "beta", "gamma"]);

        AssertVectorsInOrder(["alpha", "beta", "gamma"], result);
    }

    [Fact]
    public async Task GenerateAsync_ResponseDataOutOfOrder_ReturnedInInputOrder()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.Enqueue(200, """
            {"object":"list","data":[
              {"object":"embedding","index":1,"embedding":[2,2]},
              {"object":"embedding","index":0,"embedding":[1,1]}],
             "model":"m","usage":{"prompt_tokens":3,"total_tokens":3}}
            """);
        using OpenAIEmbeddingGenerator generator = Create(server);

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(["first", "second"]);

        Assert.Equal([1f, 1f], result[0].Vector.ToArray());
        Assert.Equal([2f, 2f], result[1].Vector.ToArray());
    }

    [Fact]
    public async Task GenerateAsync_EmptyList_SendsNothing()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        using OpenAIEmbeddingGenerator generator = Create(server);

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync([]);

        Assert.Empty(result);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task GetService_ReturnsClientMetadataAndSelf()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        using OpenAIEmbeddingGenerator generator = Create(server, o => o.Model = "text-embedding-3-large");

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.NotNull(metadata);
        Assert.Equal("openai", metadata.ProviderName);
        Assert.Equal(server.OpenAIEndpoint, metadata.ProviderUri);
        Assert.Equal("text-embedding-3-large", metadata.DefaultModelId);
        Assert.Equal(3072, metadata.DefaultModelDimensions);
        Assert.NotNull(generator.GetService<global::OpenAI.Embeddings.EmbeddingClient>());
        Assert.Same(generator, generator.GetService<OpenAIEmbeddingGenerator>());
        Assert.Null(generator.GetService<EmbeddingGeneratorMetadata>("some-key"));
    }

    [Fact]
    public async Task GetService_DimensionsOption_ReportedInMetadata()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        using OpenAIEmbeddingGenerator generator = Create(server, o => o.Dimensions = 256);

        Assert.Equal(256, generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions);
    }

    [Theory]
    [InlineData(nameof(OpenAIEmbeddingOptions.MaxBatchSize), 0)]
    [InlineData(nameof(OpenAIEmbeddingOptions.MaxBatchSize), 2049)]
    [InlineData(nameof(OpenAIEmbeddingOptions.MaxConcurrency), 0)]
    [InlineData(nameof(OpenAIEmbeddingOptions.MaxRetries), -1)]
    [InlineData(nameof(OpenAIEmbeddingOptions.Dimensions), 0)]
    [InlineData(nameof(OpenAIEmbeddingOptions.MaxTokensPerInput), 0)]
    public void Constructor_OptionOutOfRange_ThrowsNamingIt(string name, int value)
    {
        var options = new OpenAIEmbeddingOptions { ApiKey = Key };
        typeof(OpenAIEmbeddingOptions).GetProperty(name)!.SetValue(options, value);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new OpenAIEmbeddingGenerator(options));

        Assert.Equal("OpenAIEmbeddingOptions." + name, e.ParamName);
        Assert.Contains("OpenAIEmbeddingOptions." + name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_NullOrEmptyInput_ThrowsNamingIndexWithoutRequest()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        using OpenAIEmbeddingGenerator generator = Create(server);

        var empty = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["a", "", "c"]));
        var none = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["a", "b", null!]));

        Assert.Contains("Input 1 is empty", empty.Message, StringComparison.Ordinal);
        Assert.Contains("Input 2 is null", none.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task GenerateAsync_AfterDispose_Throws()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        OpenAIEmbeddingGenerator generator = Create(server);
        generator.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync(["a"]));
    }

    [Fact]
    public async Task GenerateAsync_Status400_FailsAtOnceWithProviderMessage()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.EnqueueError(400, "'$.dimensions' must be at most 1536.", code: "invalid_value");
        using OpenAIEmbeddingGenerator generator = Create(server, o => o.MaxRetries = 5);

        var e = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a"]));

        Assert.Single(server.Requests);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Equal("openai", e.Provider);
        Assert.Contains("'$.dimensions' must be at most 1536.", e.ProviderMessage, StringComparison.Ordinal);
        Assert.Contains("'$.dimensions' must be at most 1536.", e.Message, StringComparison.Ordinal);
        Assert.Contains("invalid_value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_Status404_FailsAtOnce()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.EnqueueError(404, "The model 'nope' does not exist", code: "model_not_found");
        using OpenAIEmbeddingGenerator generator = Create(server);

        var e = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a"]));

        Assert.Single(server.Requests);
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public async Task GenerateAsync_MalformedJson_ThrowsClearErrorWithoutRetry()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.Enqueue(200, """{"object":"list","data":[{"object":"embedding","index":0,"embedding":[1,2""");
        using OpenAIEmbeddingGenerator generator = Create(server);

        var e = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a"]));

        Assert.Single(server.Requests);
        Assert.Equal(HttpStatusCode.OK, e.StatusCode);
        Assert.Contains("not valid JSON", e.Message, StringComparison.Ordinal);
        Assert.IsType<FormatException>(e.InnerException);
    }

    [Fact]
    public async Task GenerateAsync_WrongVectorCount_ThrowsClearError()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.Enqueue(200, """{"object":"list","data":[{"object":"embedding","index":0,"embedding":[1,2]}],"model":"m","usage":{"prompt_tokens":1,"total_tokens":1}}""");
        using OpenAIEmbeddingGenerator generator = Create(server);

        var e = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a", "b", "c"]));

        Assert.Contains("1 embeddings for 3 inputs", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_WrongDimensions_ThrowsClearError()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.Enqueue(200, """{"object":"list","data":[{"object":"embedding","index":0,"embedding":[1,2]}],"model":"m"}""");
        using OpenAIEmbeddingGenerator generator = Create(server, o => o.Dimensions = 3);

        var e = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a"]));

        Assert.Contains("2 dimensions, 3 were asked for", e.Message, StringComparison.Ordinal);
    }
}
