using System.ClientModel;
using System.Net;
using LlamaDb.Embedders.OpenAI.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Embeddings;
using static LlamaDb.Embedders.OpenAI.Tests.Embeddings.OpenAIEmbeddingGeneratorTests;

namespace LlamaDb.Embedders.OpenAI.Tests.Embeddings;

public sealed class AzureOpenAIEmbeddingGeneratorTests
{
    internal const string AzureKey = "azure-SECRETKEY-0123456789abcdef";

    internal static OpenAIEmbeddingGenerator CreateAzure(OpenAIWireServer server, Action<AzureOpenAIEmbeddingOptions>? configure = null)
    {
        var options = new AzureOpenAIEmbeddingOptions
        {
            Endpoint = server.BaseAddress,
            ApiKey = AzureKey,
            Deployment = "my-embeddings",
            RetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(4),
        };
        configure?.Invoke(options);
        return new OpenAIEmbeddingGenerator(options);
    }

    [Fact]
    public async Task GenerateAsync_Azure_SendsApiKeyHeaderOnlyAndDeploymentAsModel()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        using OpenAIEmbeddingGenerator generator = CreateAzure(server, o => o.Dimensions = 8);

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(["one", "two"]);

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("/openai/v1/embeddings", request.Path);
        Assert.Equal(AzureKey, request.Headers["api-key"]);
        Assert.False(request.Headers.ContainsKey("Authorization"));
        Assert.Equal("""{"input":["one","two"],"model":"my-embeddings","encoding_format":"base64","dimensions":8}""", request.Body);
        AssertVectorsInOrder(["one", "two"], result, 8);
    }

    [Fact]
    public async Task GenerateAsync_AzureRetry_KeyStillOnlyInApiKeyHeader()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.EnqueueError(429, "Requests to the Embeddings_Create Operation have exceeded call rate limit", "requests", "429", ("retry-after-ms", "1"));
        using OpenAIEmbeddingGenerator generator = CreateAzure(server);

        await generator.GenerateAsync(["one"]);

        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, r =>
        {
            Assert.Equal(AzureKey, r.Headers["api-key"]);
            Assert.False(r.Headers.ContainsKey("Authorization"));
        });
    }

    [Fact]
    public async Task GenerateAsync_AzureError_CarriesProviderAndMessage()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.EnqueueError(404, "The API deployment for this resource does not exist.", code: "DeploymentNotFound");
        using OpenAIEmbeddingGenerator generator = CreateAzure(server);

        var e = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["one"]));

        Assert.Equal("azure.ai.openai", e.Provider);
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
        Assert.Contains("DeploymentNotFound", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETKEY", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetService_Azure_ReportsProviderEndpointAndDeployment()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        using OpenAIEmbeddingGenerator generator = CreateAzure(server);

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("azure.ai.openai", metadata.ProviderName);
        Assert.Equal(new Uri(server.BaseAddress, "/openai/v1/"), metadata.ProviderUri);
        Assert.Equal("my-embeddings", metadata.DefaultModelId);
    }

    [Theory]
    [InlineData("https://r.openai.azure.com", "https://r.openai.azure.com/openai/v1/")]
    [InlineData("https://r.openai.azure.com/", "https://r.openai.azure.com/openai/v1/")]
    [InlineData("https://r.openai.azure.com/openai", "https://r.openai.azure.com/openai/v1/")]
    [InlineData("https://r.openai.azure.com/openai/v1", "https://r.openai.azure.com/openai/v1/")]
    [InlineData("https://r.openai.azure.com/openai/v1/", "https://r.openai.azure.com/openai/v1/")]
    [InlineData("https://r.cognitiveservices.azure.com/?x=1", "https://r.cognitiveservices.azure.com/openai/v1/")]
    public void AzureV1Endpoint_ResourceAddress_MapsToV1Base(string resource, string expected) =>
        Assert.Equal(new Uri(expected), OpenAIClientFactory.AzureV1Endpoint(new Uri(resource)));

    [Fact]
    public async Task AsLlamaDbEmbeddingGenerator_OverCallersClient_UsesItsPipelineAndDefaultDimensions()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        var client = new EmbeddingClient("text-embedding-3-small", new ApiKeyCredential(Key), new OpenAIClientOptions { Endpoint = server.OpenAIEndpoint });
        using IEmbeddingGenerator<string, Embedding<float>> generator = client.AsLlamaDbEmbeddingGenerator(defaultModelDimensions: 32);

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(["q"]);

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("""{"input":["q"],"model":"text-embedding-3-small","encoding_format":"base64","dimensions":32}""", request.Body);
        Assert.Equal("Bearer " + Key, request.Headers["Authorization"]);
        Assert.Equal(32, result[0].Dimensions);
        Assert.Same(client, generator.GetService<EmbeddingClient>());
        EmbeddingGeneratorMetadata? metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.Equal("openai", metadata?.ProviderName);
        Assert.Equal(32, metadata?.DefaultModelDimensions);
    }
}
