using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders;

/// <summary><c>UseBatching</c>: add a batch-size and concurrency limit to an embedding pipeline.</summary>
public static class BatchingEmbeddingGeneratorBuilderExtensions
{
    /// <summary>Adds a <see cref="BatchingEmbeddingGenerator{TInput, TEmbedding}"/> stage.</summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TEmbedding">The embedding type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="maxBatchSize">The most inputs per inner call (OpenAI: 2048, Cohere: 96).</param>
    /// <param name="maxConcurrency">The most inner calls in flight. Defaults to 1.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBatchSize"/> or <paramref name="maxConcurrency"/> is not positive.</exception>
    public static EmbeddingGeneratorBuilder<TInput, TEmbedding> UseBatching<TInput, TEmbedding>(
        this EmbeddingGeneratorBuilder<TInput, TEmbedding> builder, int maxBatchSize, int maxConcurrency = 1)
        where TEmbedding : Embedding
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxConcurrency);
        return builder.Use(innerGenerator => new BatchingEmbeddingGenerator<TInput, TEmbedding>(innerGenerator, maxBatchSize, maxConcurrency));
    }
}
