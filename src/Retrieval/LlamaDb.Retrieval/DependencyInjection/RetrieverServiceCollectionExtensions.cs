using LlamaDb.Retrieval;
using LlamaDb.VectorData;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="Retriever"/> as <see cref="IRetriever"/>.</summary>
public static class RetrieverServiceCollectionExtensions
{
    /// <summary>
    /// Adds a singleton retriever over the registered <c>VectorStoreCollection&lt;string, ChunkRecord&gt;</c>, with the
    /// registered <see cref="IReranker"/> and <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c> (for MMR) when
    /// there are any. Everything is resolved on first use.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Optional changes to the options.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddRetriever(this IServiceCollection services, Action<RetrieverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddRetriever(static sp => sp.GetRequiredService<VectorStoreCollection<string, ChunkRecord>>(), configure);
    }

    /// <summary>Adds a singleton retriever with options bound from a configuration section (<c>Defaults:Mode</c>, <c>Defaults:Top</c>, <c>ThrowOnRerankFailure</c>, ...).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section, for example <c>configuration.GetSection("LlamaDb:Retrieval")</c>.</param>
    /// <param name="configure">Optional changes after binding.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddRetriever(this IServiceCollection services, IConfiguration configuration, Action<RetrieverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddRetriever(options =>
        {
            configuration.Bind(options);
            configure?.Invoke(options);
        });
    }

    /// <summary>Adds a singleton retriever over the collection <paramref name="collectionFactory"/> returns, with the registered reranker and embedding generator.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="collectionFactory">Resolves the chunk collection.</param>
    /// <param name="configure">Optional changes to the options.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddRetriever(this IServiceCollection services, Func<IServiceProvider, VectorStoreCollection<string, ChunkRecord>> collectionFactory, Action<RetrieverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(collectionFactory);
        services.AddSingleton(sp => new Retriever(
            collectionFactory(sp),
            sp.GetService<IReranker>(),
            sp.GetService<IEmbeddingGenerator<string, Embedding<float>>>(),
            CreateOptions(configure),
            sp.GetService<ILogger<Retriever>>()));
        services.AddSingleton<IRetriever>(sp => sp.GetRequiredService<Retriever>());
        return services;
    }

    /// <summary>
    /// Adds a keyed singleton retriever over the collection registered under the same key; the reranker and embedding
    /// generator registered under that key are used, else the unkeyed ones.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key of the collection, and to resolve the retriever by.</param>
    /// <param name="configure">Optional changes to the options.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddKeyedRetriever(this IServiceCollection services, object? serviceKey, Action<RetrieverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddKeyedSingleton(serviceKey, (sp, key) => new Retriever(
            sp.GetRequiredKeyedService<VectorStoreCollection<string, ChunkRecord>>(key),
            sp.GetKeyedService<IReranker>(key) ?? sp.GetService<IReranker>(),
            sp.GetKeyedService<IEmbeddingGenerator<string, Embedding<float>>>(key) ?? sp.GetService<IEmbeddingGenerator<string, Embedding<float>>>(),
            CreateOptions(configure),
            sp.GetService<ILogger<Retriever>>()));
        services.AddKeyedSingleton<IRetriever>(serviceKey, (sp, key) => sp.GetRequiredKeyedService<Retriever>(key));
        return services;
    }

    private static RetrieverOptions CreateOptions(Action<RetrieverOptions>? configure)
    {
        var options = new RetrieverOptions();
        configure?.Invoke(options);
        return options;
    }
}
