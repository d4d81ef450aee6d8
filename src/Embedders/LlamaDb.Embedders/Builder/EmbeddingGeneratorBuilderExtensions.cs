using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders;

/// <summary><c>AsBuilder()</c>: start a pipeline from an existing generator.</summary>
public static class EmbeddingGeneratorBuilderExtensions
{
    /// <summary>Creates a builder whose pipeline ends in <paramref name="innerGenerator"/>.</summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TEmbedding">The embedding type.</typeparam>
    /// <param name="innerGenerator">The generator to wrap.</param>
    /// <returns>A new builder.</returns>
    public static EmbeddingGeneratorBuilder<TInput, TEmbedding> AsBuilder<TInput, TEmbedding>(this IEmbeddingGenerator<TInput, TEmbedding> innerGenerator)
        where TEmbedding : Embedding
    {
        ArgumentNullException.ThrowIfNull(innerGenerator);
        return new EmbeddingGeneratorBuilder<TInput, TEmbedding>(innerGenerator);
    }
}
