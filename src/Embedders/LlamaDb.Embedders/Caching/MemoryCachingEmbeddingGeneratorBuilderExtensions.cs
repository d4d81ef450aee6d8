using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Embedders;

/// <summary><c>UseCaching</c>: add LlamaDb's in-memory LRU caching stage to a Microsoft.Extensions.AI embedding pipeline.</summary>
public static class MemoryCachingEmbeddingGeneratorBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="MemoryCachingEmbeddingGenerator{TInput, TEmbedding}"/> stage: an in-process LRU cache bounded by
    /// <see cref="EmbeddingCacheOptions.MaxEntries"/> and optionally <see cref="EmbeddingCacheOptions.MaxBytes"/>.
    /// Each built pipeline gets its own cache. Cache failures are logged through the build's <see cref="ILoggerFactory"/>, if any.
    /// </summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TEmbedding">The embedding type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the cache bounds; runs now, and the options are validated now.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static EmbeddingGeneratorBuilder<TInput, TEmbedding> UseCaching<TInput, TEmbedding>(
        this EmbeddingGeneratorBuilder<TInput, TEmbedding> builder,
        Action<EmbeddingCacheOptions>? configure = null)
        where TEmbedding : Embedding
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new EmbeddingCacheOptions();
        configure?.Invoke(options);
        EmbeddingCacheOptions validated = options.Validated();
        return builder.Use((innerGenerator, services) => new MemoryCachingEmbeddingGenerator<TInput, TEmbedding>(
            innerGenerator,
            validated,
            services.GetService<ILoggerFactory>()?.CreateLogger(typeof(MemoryCachingEmbeddingGenerator<TInput, TEmbedding>))));
    }
}
