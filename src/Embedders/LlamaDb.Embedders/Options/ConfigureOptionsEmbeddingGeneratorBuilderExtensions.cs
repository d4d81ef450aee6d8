using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders;

/// <summary><c>ConfigureOptions</c>: add an options-changing stage to an embedding pipeline.</summary>
public static class ConfigureOptionsEmbeddingGeneratorBuilderExtensions
{
    /// <summary>Adds a <see cref="ConfigureOptionsEmbeddingGenerator{TInput, TEmbedding}"/> stage.</summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TEmbedding">The embedding type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes each call's copied options.</param>
    /// <returns>The builder.</returns>
    public static EmbeddingGeneratorBuilder<TInput, TEmbedding> ConfigureOptions<TInput, TEmbedding>(
        this EmbeddingGeneratorBuilder<TInput, TEmbedding> builder, Action<EmbeddingGenerationOptions> configure)
        where TEmbedding : Embedding
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.Use(innerGenerator => new ConfigureOptionsEmbeddingGenerator<TInput, TEmbedding>(innerGenerator, configure));
    }
}
