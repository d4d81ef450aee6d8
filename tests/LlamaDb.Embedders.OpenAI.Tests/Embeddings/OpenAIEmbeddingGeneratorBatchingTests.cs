using LlamaDb.Embedders.OpenAI.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using static LlamaDb.Embedders.OpenAI.Tests.Embeddings.OpenAIEmbeddingGeneratorTests;

namespace LlamaDb.Embedders.OpenAI.Tests.Embeddings;

public sealed class OpenAIEmbeddingGeneratorBatchingTests
{
    [Fact]
    public async Task GenerateAsync_MoreThan2048Inputs_SplitsAtOpenAILimit()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        using OpenAIEmbeddingGenerator generator = Create(server);
        string[] inputs = Texts(2049);

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(inputs);

        Assert.Equal([1, 2048], server.Requests.Select(r => r.Input.Count).Order());
        AssertVectorsInOrder(inputs, result);
    }

    [Fact]
    public async Task GenerateAsync_MaxBatchSize_SplitsConsecutiveRunsAndKeepsOrder()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        using OpenAIEmbeddingGenerator generator = Create(server, o =>
        {
            o.MaxBatchSize = 3;
            o.MaxConcurrency = 4;
        });
        string[] inputs = Texts(10);

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(inputs);

        string[][] sent = [.. server.Requests.Select(r => r.Input.ToArray()).OrderBy(i => Array.IndexOf(inputs, i[0]))];
        Assert.Equal([inputs[0..3], inputs[3..6], inputs[6..9], inputs[9..10]], sent);
        AssertVectorsInOrder(inputs, result);
    }

    [Fact]
    public async Task GenerateAsync_TokenBudget_SplitsByEstimatedTokens()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        using OpenAIEmbeddingGenerator generator = Create(server, o =>
        {
            o.EstimatedBytesPerToken = 1;
            o.MaxTokensPerInput = 10;
            o.MaxTokensPerRequest = 10;
        });
        string[] inputs = ["aaaa", "bbbb", "cccc", "dddddddddd", "e"];

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(inputs);

        Assert.Equal(
            ["aaaa|bbbb", "cccc", "dddddddddd", "e"],
            server.Requests.Select(r => string.Join('|', r.Input)).OrderBy(s => Array.IndexOf(inputs, s.Split('|')[0])));
        AssertVectorsInOrder(inputs, result);
    }

    [Fact]
    public async Task GenerateAsync_UsageOverBatches_Summed()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        using OpenAIEmbeddingGenerator generator = Create(server, o => o.MaxBatchSize = 2);

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(["a", "bb", "ccc", "dddd", "eeeee"]);

        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(15, result.Usage?.InputTokenCount);
        Assert.Equal(15, result.Usage?.TotalTokenCount);
    }

    [Fact]
    public async Task GenerateAsync_MaxConcurrencyOne_SendsNextBatchOnlyAfterPreviousCompletes()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        TaskCompletionSource release = server.EnqueueHold();
        using OpenAIEmbeddingGenerator generator = Create(server, o =>
        {
            o.MaxBatchSize = 1;
            o.MaxConcurrency = 1;
        });

        Task<GeneratedEmbeddings<Embedding<float>>> call = generator.GenerateAsync(["a", "b", "c"]);
        await server.WaitForRequestsAsync(1);

        // While the first response is held, no second request may be in flight. Releasing lets the rest through.
        Assert.Single(server.Requests);
        release.SetResult();
        GeneratedEmbeddings<Embedding<float>> result = await call;

        Assert.Equal(3, server.Requests.Count);
        AssertVectorsInOrder(["a", "b", "c"], result);
    }

    [Fact]
    public async Task GenerateAsync_MaxConcurrencyTwo_HasTwoRequestsInFlight()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        TaskCompletionSource first = server.EnqueueHold();
        TaskCompletionSource second = server.EnqueueHold();
        using OpenAIEmbeddingGenerator generator = Create(server, o =>
        {
            o.MaxBatchSize = 1;
            o.MaxConcurrency = 2;
        });

        Task<GeneratedEmbeddings<Embedding<float>>> call = generator.GenerateAsync(["a", "b", "c"]);
        await server.WaitForRequestsAsync(2);

        Assert.Equal(2, server.Requests.Count);
        first.SetResult();
        second.SetResult();
        AssertVectorsInOrder(["a", "b", "c"], await call);
    }

    [Fact]
    public async Task GenerateAsync_ConcurrentCalls_ShareTheGeneratorsConcurrencyBound()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        TaskCompletionSource release = server.EnqueueHold();
        using OpenAIEmbeddingGenerator generator = Create(server, o => o.MaxConcurrency = 1);

        Task<GeneratedEmbeddings<Embedding<float>>> first = generator.GenerateAsync(["a"]);
        await server.WaitForRequestsAsync(1);
        Task<GeneratedEmbeddings<Embedding<float>>> second = generator.GenerateAsync(["b"]);

        Assert.False(second.IsCompleted);
        Assert.Single(server.Requests);
        release.SetResult();

        AssertVectorsInOrder(["a"], await first);
        AssertVectorsInOrder(["b"], await second);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task GenerateAsync_InputOverTokenLimit_ThrowsNamingIndexWithoutRequest()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        using OpenAIEmbeddingGenerator generator = Create(server, o =>
        {
            o.EstimatedBytesPerToken = 1;
            o.MaxTokensPerInput = 8;
        });

        var e = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["short", "short", "much too long"]));

        Assert.Contains("Input 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("MaxTokensPerInput", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("much too long", e.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task GenerateAsync_InputOverTokenLimitWithTruncate_SendsPrefix()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        using OpenAIEmbeddingGenerator generator = Create(server, o =>
        {
            o.EstimatedBytesPerToken = 1;
            o.MaxTokensPerInput = 8;
            o.OversizedInput = OversizedInputBehavior.Truncate;
        });

        await generator.GenerateAsync(["short", "much too long", "ééééé"]);

        Assert.Equal(["short", "much too", "éééé"], Assert.Single(server.Requests).Input);
    }

    [Theory]
    [InlineData("abcdef", 3, "abc")]
    [InlineData("aé", 2, "a")]
    [InlineData("a😀b", 4, "a")]
    [InlineData("a😀b", 5, "a😀")]
    [InlineData("😀", 1, "😀")]
    [InlineData("abc", 10, "abc")]
    public void TruncateUtf8_NeverSplitsACharacter(string text, int maxBytes, string expected) =>
        Assert.Equal(expected, OpenAIEmbeddingGenerator.TruncateUtf8(text, maxBytes));
}
