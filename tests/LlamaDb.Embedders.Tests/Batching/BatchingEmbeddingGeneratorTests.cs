using LlamaDb.Embedders.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders.Tests.Batching;

public sealed class BatchingEmbeddingGeneratorTests
{
    private static readonly string[] s_texts = ["t0", "t1", "t2", "t3", "t4", "t5", "t6"];

    [Fact]
    public async Task GenerateAsync_ManyInputs_SplitsIntoBatchesKeepsOrderSumsUsage()
    {
        var inner = new CountingEmbeddingGenerator();
        using IEmbeddingGenerator<string, Embedding<float>> generator = inner.AsBuilder().UseBatching(maxBatchSize: 3, maxConcurrency: 2).Build();

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(s_texts);

        Assert.Equal([3, 3, 1], inner.Calls.Select(c => c.Inputs.Length).Order().Reverse());
        Assert.Equal(s_texts, inner.Calls.SelectMany(c => c.Inputs).Order(StringComparer.Ordinal));
        for (int i = 0; i < s_texts.Length; i++)
        {
            Assert.Equal(CountingEmbeddingGenerator.VectorFor(s_texts[i], 4), result[i].Vector.ToArray());
        }

        Assert.Equal(s_texts.Sum(t => t.Length), result.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task Dispose_WhileACallIsInFlight_CallCompletesWithoutObjectDisposedException()
    {
        var inner = new GatedEmbeddingGenerator();
        var generator = new BatchingEmbeddingGenerator<string, Embedding<float>>(inner, maxBatchSize: 1, maxConcurrency: 1);
        Task<GeneratedEmbeddings<Embedding<float>>> pending = generator.GenerateAsync(["a", "b"]);
        GatedCall first = await inner.Calls.ReadAsync();

        generator.Dispose();
        first.Complete();
        GatedCall second = await inner.Calls.ReadAsync();
        second.Complete();

        Assert.Equal(2, (await pending).Count);
    }

    [Fact]
    public async Task GenerateAsync_BatchesCompleteOutOfOrder_ResultsInInputOrderAndInFlightBounded()
    {
        var inner = new GatedEmbeddingGenerator();
        using var generator = new BatchingEmbeddingGenerator<string, Embedding<float>>(inner, maxBatchSize: 2, maxConcurrency: 2);

        Task<GeneratedEmbeddings<Embedding<float>>> pending = generator.GenerateAsync(s_texts);

        // Batches start synchronously up to the limit: exactly two calls have started.
        Assert.Equal(2, inner.Started);
        GatedCall first = await inner.Calls.ReadAsync();
        GatedCall second = await inner.Calls.ReadAsync();
        Assert.Equal(["t0", "t1"], first.Inputs);
        Assert.Equal(["t2", "t3"], second.Inputs);
        Assert.False(inner.Calls.TryRead(out _));

        second.Complete();
        GatedCall third = await inner.Calls.ReadAsync();
        Assert.Equal(["t4", "t5"], third.Inputs);
        third.Complete();
        GatedCall fourth = await inner.Calls.ReadAsync();
        Assert.Equal(["t6"], fourth.Inputs);
        fourth.Complete();
        Assert.False(pending.IsCompleted);
        first.Complete();

        GeneratedEmbeddings<Embedding<float>> result = await pending;
        Assert.Equal(2, inner.MaxInFlight);
        Assert.Equal(4, inner.Started);
        for (int i = 0; i < s_texts.Length; i++)
        {
            Assert.Equal(CountingEmbeddingGenerator.VectorFor(s_texts[i], 4), result[i].Vector.ToArray());
        }

        Assert.Equal(70, result.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task GenerateAsync_ConcurrentCallers_ShareTheInFlightLimit()
    {
        var inner = new GatedEmbeddingGenerator();
        using var generator = new BatchingEmbeddingGenerator<string, Embedding<float>>(inner, maxBatchSize: 10, maxConcurrency: 1);

        Task<GeneratedEmbeddings<Embedding<float>>> a = generator.GenerateAsync(["a"]);
        Task<GeneratedEmbeddings<Embedding<float>>> b = generator.GenerateAsync(["b"]);

        Assert.Equal(1, inner.Started);
        (await inner.Calls.ReadAsync()).Complete();
        (await inner.Calls.ReadAsync()).Complete();
        await Task.WhenAll(a, b);
        Assert.Equal(1, inner.MaxInFlight);
    }

    [Fact]
    public async Task GenerateAsync_CancelledMidBatch_PropagatesAndStartsNoMoreBatches()
    {
        var inner = new GatedEmbeddingGenerator();
        using var generator = new BatchingEmbeddingGenerator<string, Embedding<float>>(inner, maxBatchSize: 2, maxConcurrency: 1);
        using var cts = new CancellationTokenSource();

        Task<GeneratedEmbeddings<Embedding<float>>> pending = generator.GenerateAsync(s_texts, cancellationToken: cts.Token);
        GatedCall first = await inner.Calls.ReadAsync();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.True(first.Token.IsCancellationRequested);
        Assert.Equal(1, inner.Started);
    }

    [Fact]
    public async Task GenerateAsync_OneBatchFails_ThrowsThatFailureAndCancelsTheOthers()
    {
        var inner = new GatedEmbeddingGenerator();
        using var generator = new BatchingEmbeddingGenerator<string, Embedding<float>>(inner, maxBatchSize: 2, maxConcurrency: 2);

        Task<GeneratedEmbeddings<Embedding<float>>> pending = generator.GenerateAsync(s_texts);
        GatedCall first = await inner.Calls.ReadAsync();
        GatedCall second = await inner.Calls.ReadAsync();
        var failure = new InvalidOperationException("provider said no");
        second.Fail(failure);

        InvalidOperationException thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => pending);
        Assert.Same(failure, thrown);
        Assert.True(first.Token.IsCancellationRequested);
    }

    [Fact]
    public async Task GenerateAsync_InnerReturnsWrongCount_ThrowsNamingTheBatch()
    {
        using var generator = new BatchingEmbeddingGenerator<string, Embedding<float>>(new ShortGenerator(), maxBatchSize: 2);

        InvalidOperationException e = await Assert.ThrowsAsync<InvalidOperationException>(() => generator.GenerateAsync(["a", "b", "c"]));

        Assert.Contains("starting at index 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_NoInputs_ReturnsEmptyWithoutInnerCall()
    {
        var inner = new CountingEmbeddingGenerator();
        using var generator = new BatchingEmbeddingGenerator<string, Embedding<float>>(inner, maxBatchSize: 2);

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync([]);

        Assert.Empty(result);
        Assert.Equal(0, inner.CallCount);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    [InlineData(-3, 1)]
    public void UseBatching_NonPositiveLimits_Throw(int maxBatchSize, int maxConcurrency)
    {
        var builder = new CountingEmbeddingGenerator().AsBuilder();

        Assert.Throws<ArgumentOutOfRangeException>(() => builder.UseBatching(maxBatchSize, maxConcurrency));
    }

    private sealed class ShortGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new GeneratedEmbeddings<Embedding<float>>([new Embedding<float>(new float[] { 1 })]));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
