using LlamaDb.Connectors.Hnsw;
using LlamaDb.VectorData;
using Microsoft.Extensions.AI;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the embedded HNSW vector store and its collections.</summary>
public static class HnswVectorStoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds a singleton <see cref="HnswVectorStore"/> (also as <see cref="VectorStore"/>) over <paramref name="rootPath"/>.
    /// Nothing is opened at registration. The store's embedding generator defaults to the registered
    /// <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c>, if any.
    /// </summary>
    public static IServiceCollection AddHnswVectorStore(this IServiceCollection services, string rootPath, Action<HnswVectorStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(rootPath);
        services.AddSingleton(sp => CreateStore(sp, null, rootPath, configure));
        services.AddSingleton<VectorStore>(sp => sp.GetRequiredService<HnswVectorStore>());
        return services;
    }

    /// <summary>Adds a keyed singleton <see cref="HnswVectorStore"/> (also as a keyed <see cref="VectorStore"/>).</summary>
    public static IServiceCollection AddKeyedHnswVectorStore(this IServiceCollection services, object? serviceKey, string rootPath, Action<HnswVectorStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(rootPath);
        services.AddKeyedSingleton(serviceKey, (sp, key) => CreateStore(sp, key, rootPath, configure));
        services.AddKeyedSingleton<VectorStore>(serviceKey, (sp, key) => sp.GetRequiredKeyedService<HnswVectorStore>(key));
        return services;
    }

    /// <summary>
    /// Adds a singleton collection (as <see cref="VectorStoreCollection{TKey, TRecord}"/> and
    /// <see cref="IKeywordHybridSearchable{TRecord}"/>) of the registered <see cref="HnswVectorStore"/>.
    /// </summary>
    public static IServiceCollection AddHnswCollection<TKey, TRecord>(this IServiceCollection services, string name, Action<HnswCollectionOptions>? configure = null)
        where TKey : notnull
        where TRecord : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddSingleton(sp => CreateCollection<TKey, TRecord>(sp.GetRequiredService<HnswVectorStore>(), name, configure));
        services.AddSingleton<VectorStoreCollection<TKey, TRecord>>(sp => sp.GetRequiredService<HnswCollection<TKey, TRecord>>());
        services.AddSingleton<IKeywordHybridSearchable<TRecord>>(sp => sp.GetRequiredService<HnswCollection<TKey, TRecord>>());
        services.AddSingleton<IKeywordSearchable<TRecord>>(sp => sp.GetRequiredService<HnswCollection<TKey, TRecord>>());
        return services;
    }

    /// <summary>Adds a keyed singleton collection of the keyed <see cref="HnswVectorStore"/> with the same key.</summary>
    public static IServiceCollection AddKeyedHnswCollection<TKey, TRecord>(this IServiceCollection services, object? serviceKey, string name, Action<HnswCollectionOptions>? configure = null)
        where TKey : notnull
        where TRecord : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddKeyedSingleton(serviceKey, (sp, key) => CreateCollection<TKey, TRecord>(sp.GetRequiredKeyedService<HnswVectorStore>(key), name, configure));
        services.AddKeyedSingleton<VectorStoreCollection<TKey, TRecord>>(serviceKey, (sp, key) => sp.GetRequiredKeyedService<HnswCollection<TKey, TRecord>>(key));
        services.AddKeyedSingleton<IKeywordHybridSearchable<TRecord>>(serviceKey, (sp, key) => sp.GetRequiredKeyedService<HnswCollection<TKey, TRecord>>(key));
        services.AddKeyedSingleton<IKeywordSearchable<TRecord>>(serviceKey, (sp, key) => sp.GetRequiredKeyedService<HnswCollection<TKey, TRecord>>(key));
        return services;
    }

    private static HnswVectorStore CreateStore(IServiceProvider services, object? key, string rootPath, Action<HnswVectorStoreOptions>? configure)
    {
        var options = new HnswVectorStoreOptions
        {
            EmbeddingGenerator = (key is null ? services.GetService<IEmbeddingGenerator<string, Embedding<float>>>() : services.GetKeyedService<IEmbeddingGenerator<string, Embedding<float>>>(key))
                ?? services.GetService<IEmbeddingGenerator<string, Embedding<float>>>(),
            LoggerFactory = services.GetService<Microsoft.Extensions.Logging.ILoggerFactory>(),
        };
        configure?.Invoke(options);
        return new HnswVectorStore(rootPath, options);
    }

    private static HnswCollection<TKey, TRecord> CreateCollection<TKey, TRecord>(HnswVectorStore store, string name, Action<HnswCollectionOptions>? configure)
        where TKey : notnull
        where TRecord : class
    {
        var options = new HnswCollectionOptions(store.Options.CollectionDefaults);
        configure?.Invoke(options);
        return store.GetCollection<TKey, TRecord>(name, options);
    }
}
