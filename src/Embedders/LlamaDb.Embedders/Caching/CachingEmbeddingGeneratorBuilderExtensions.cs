using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;

namespace LlamaDb.Embedders;

/// <summary><c>UseCaching</c> and <c>UseDistributedCache</c>: add a caching stage to an embedding pipeline.</summary>
public static class CachingEmbeddingGeneratorBuilderExtensions
{
    /// <summary>Adds a <see cref="DistributedCachingEmbeddingGenerator{TInput, TEmbedding}"/> stage.</summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TEmbedding">The embedding type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="storage">The cache; resolved from the build's services when <see langword="null"/>.</param>
    /// <param name="configure">Configures the stage at build time.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">At build time: no <paramref name="storage"/> was given and the services have no <see cref="IDistributedCache"/>.</exception>
    public static EmbeddingGeneratorBuilder<TInput, TEmbedding> UseDistributedCache<TInput, TEmbedding>(
        this EmbeddingGeneratorBuilder<TInput, TEmbedding> builder,
        IDistributedCache? storage = null,
        Action<DistributedCachingEmbeddingGenerator<TInput, TEmbedding>>? configure = null)
        where TEmbedding : Embedding
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((innerGenerator, services) =>
        {
            IDistributedCache cache = storage
                ?? services.GetService<IDistributedCache>()
                ?? throw new InvalidOperationException(
                    $"UseDistributedCache needs an {nameof(IDistributedCache)}: pass one, or register one and build the pipeline with that service provider.");
            var generator = new DistributedCachingEmbeddingGenerator<TInput, TEmbedding>(innerGenerator, cache);
            configure?.Invoke(generator);
            return generator;
        });
    }

    /// <summary>
    /// Adds a <see cref="MemoryCachingEmbeddingGenerator{TInput, TEmbedding}"/> stage: an in-process LRU cache bounded by
    /// <see cref="EmbeddingCacheOptions.MaxEntries"/> and optionally <see cref="EmbeddingCacheOptions.MaxBytes"/>.
    /// Each built pipeline gets its own cache.
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
        return builder.Use(innerGenerator => new MemoryCachingEmbeddingGenerator<TInput, TEmbedding>(innerGenerator, validated));
    }
}
