using LlamaDb.Embedders;
using Microsoft.Extensions.AI;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers embedding generator pipelines (the names of Microsoft.Extensions.AI's registrations).</summary>
public static class EmbeddingGeneratorBuilderServiceCollectionExtensions
{
    /// <summary>Registers <paramref name="innerGenerator"/> (wrapped by the stages the returned builder gets) as <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> and <see cref="IEmbeddingGenerator"/>.</summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TEmbedding">The embedding type.</typeparam>
    /// <param name="serviceCollection">The services.</param>
    /// <param name="innerGenerator">The generator the pipeline ends in.</param>
    /// <param name="lifetime">The registration lifetime.</param>
    /// <returns>The builder; stages added to it before the provider is built are part of the registered pipeline.</returns>
    public static EmbeddingGeneratorBuilder<TInput, TEmbedding> AddEmbeddingGenerator<TInput, TEmbedding>(
        this IServiceCollection serviceCollection, IEmbeddingGenerator<TInput, TEmbedding> innerGenerator, ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where TEmbedding : Embedding
    {
        ArgumentNullException.ThrowIfNull(innerGenerator);
        return AddEmbeddingGenerator(serviceCollection, _ => innerGenerator, lifetime);
    }

    /// <summary>Registers the generator <paramref name="innerGeneratorFactory"/> makes (wrapped by the builder's stages).</summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TEmbedding">The embedding type.</typeparam>
    /// <param name="serviceCollection">The services.</param>
    /// <param name="innerGeneratorFactory">Makes the generator the pipeline ends in.</param>
    /// <param name="lifetime">The registration lifetime.</param>
    /// <returns>The builder.</returns>
    public static EmbeddingGeneratorBuilder<TInput, TEmbedding> AddEmbeddingGenerator<TInput, TEmbedding>(
        this IServiceCollection serviceCollection, Func<IServiceProvider, IEmbeddingGenerator<TInput, TEmbedding>> innerGeneratorFactory, ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where TEmbedding : Embedding
    {
        ArgumentNullException.ThrowIfNull(serviceCollection);
        ArgumentNullException.ThrowIfNull(innerGeneratorFactory);
        var builder = new EmbeddingGeneratorBuilder<TInput, TEmbedding>(innerGeneratorFactory);
        serviceCollection.Add(new ServiceDescriptor(typeof(IEmbeddingGenerator<TInput, TEmbedding>), services => builder.Build(services), lifetime));
        serviceCollection.Add(new ServiceDescriptor(typeof(IEmbeddingGenerator), services => services.GetRequiredService<IEmbeddingGenerator<TInput, TEmbedding>>(), lifetime));
        return builder;
    }

    /// <summary>Registers <paramref name="innerGenerator"/> under <paramref name="serviceKey"/>.</summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TEmbedding">The embedding type.</typeparam>
    /// <param name="serviceCollection">The services.</param>
    /// <param name="serviceKey">The key.</param>
    /// <param name="innerGenerator">The generator the pipeline ends in.</param>
    /// <param name="lifetime">The registration lifetime.</param>
    /// <returns>The builder.</returns>
    public static EmbeddingGeneratorBuilder<TInput, TEmbedding> AddKeyedEmbeddingGenerator<TInput, TEmbedding>(
        this IServiceCollection serviceCollection, object? serviceKey, IEmbeddingGenerator<TInput, TEmbedding> innerGenerator, ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where TEmbedding : Embedding
    {
        ArgumentNullException.ThrowIfNull(innerGenerator);
        return AddKeyedEmbeddingGenerator(serviceCollection, serviceKey, _ => innerGenerator, lifetime);
    }

    /// <summary>Registers the generator <paramref name="innerGeneratorFactory"/> makes under <paramref name="serviceKey"/>.</summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TEmbedding">The embedding type.</typeparam>
    /// <param name="serviceCollection">The services.</param>
    /// <param name="serviceKey">The key.</param>
    /// <param name="innerGeneratorFactory">Makes the generator the pipeline ends in.</param>
    /// <param name="lifetime">The registration lifetime.</param>
    /// <returns>The builder.</returns>
    public static EmbeddingGeneratorBuilder<TInput, TEmbedding> AddKeyedEmbeddingGenerator<TInput, TEmbedding>(
        this IServiceCollection serviceCollection, object? serviceKey, Func<IServiceProvider, IEmbeddingGenerator<TInput, TEmbedding>> innerGeneratorFactory, ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where TEmbedding : Embedding
    {
        ArgumentNullException.ThrowIfNull(serviceCollection);
        ArgumentNullException.ThrowIfNull(innerGeneratorFactory);
        var builder = new EmbeddingGeneratorBuilder<TInput, TEmbedding>(innerGeneratorFactory);
        serviceCollection.Add(new ServiceDescriptor(typeof(IEmbeddingGenerator<TInput, TEmbedding>), serviceKey, (services, _) => builder.Build(services), lifetime));
        serviceCollection.Add(new ServiceDescriptor(typeof(IEmbeddingGenerator), serviceKey, (services, key) => services.GetRequiredKeyedService<IEmbeddingGenerator<TInput, TEmbedding>>(key), lifetime));
        return builder;
    }
}
