using LlamaDb.Connectors.Postgres;
using LlamaDb.VectorData;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL (pgvector) vector store and its collections.</summary>
public static class PostgresVectorStoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds a singleton <see cref="PostgresVectorStore"/> (also as <see cref="VectorStore"/>) over the
    /// <c>NpgsqlDataSource</c> registered in the container (for example by <c>AddNpgsqlDataSource</c>). Nothing connects
    /// at registration. The store's embedding generator defaults to the registered
    /// <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c>, if any.
    /// </summary>
    public static IServiceCollection AddPostgresVectorStore(this IServiceCollection services, Action<PostgresVectorStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(sp => new PostgresVectorStore(
            sp.GetService<NpgsqlDataSource>() ?? throw new InvalidOperationException("AddPostgresVectorStore() without a connection string needs an NpgsqlDataSource in the container (AddNpgsqlDataSource, or register one)."),
            CreateOptions(sp, null, configure)));
        services.AddSingleton<VectorStore>(sp => sp.GetRequiredService<PostgresVectorStore>());
        return services;
    }

    /// <summary>
    /// Adds a singleton <see cref="PostgresVectorStore"/> (also as <see cref="VectorStore"/>) over
    /// <paramref name="connectionString"/>; the store builds and owns its data source (the container disposes it).
    /// </summary>
    public static IServiceCollection AddPostgresVectorStore(this IServiceCollection services, string connectionString, Action<PostgresVectorStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        services.AddSingleton(sp => new PostgresVectorStore(connectionString, CreateOptions(sp, null, configure)));
        services.AddSingleton<VectorStore>(sp => sp.GetRequiredService<PostgresVectorStore>());
        return services;
    }

    /// <summary>Adds a keyed singleton <see cref="PostgresVectorStore"/> (also as a keyed <see cref="VectorStore"/>) over <paramref name="connectionString"/>.</summary>
    public static IServiceCollection AddKeyedPostgresVectorStore(this IServiceCollection services, object? serviceKey, string connectionString, Action<PostgresVectorStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        services.AddKeyedSingleton(serviceKey, (sp, key) => new PostgresVectorStore(connectionString, CreateOptions(sp, key, configure)));
        services.AddKeyedSingleton<VectorStore>(serviceKey, (sp, key) => sp.GetRequiredKeyedService<PostgresVectorStore>(key));
        return services;
    }

    /// <summary>
    /// Adds a singleton collection (as <see cref="VectorStoreCollection{TKey, TRecord}"/>,
    /// <see cref="IKeywordHybridSearchable{TRecord}"/> and <see cref="IKeywordSearchable{TRecord}"/>) of the registered
    /// <see cref="PostgresVectorStore"/>.
    /// </summary>
    public static IServiceCollection AddPostgresCollection<TKey, TRecord>(this IServiceCollection services, string name, Action<PostgresCollectionOptions>? configure = null)
        where TKey : notnull
        where TRecord : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddSingleton(sp => CreateCollection<TKey, TRecord>(sp.GetRequiredService<PostgresVectorStore>(), name, configure));
        services.AddSingleton<VectorStoreCollection<TKey, TRecord>>(sp => sp.GetRequiredService<PostgresCollection<TKey, TRecord>>());
        services.AddSingleton<IKeywordHybridSearchable<TRecord>>(sp => sp.GetRequiredService<PostgresCollection<TKey, TRecord>>());
        services.AddSingleton<IKeywordSearchable<TRecord>>(sp => sp.GetRequiredService<PostgresCollection<TKey, TRecord>>());
        return services;
    }

    /// <summary>Adds a keyed singleton collection of the keyed <see cref="PostgresVectorStore"/> with the same key.</summary>
    public static IServiceCollection AddKeyedPostgresCollection<TKey, TRecord>(this IServiceCollection services, object? serviceKey, string name, Action<PostgresCollectionOptions>? configure = null)
        where TKey : notnull
        where TRecord : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddKeyedSingleton(serviceKey, (sp, key) => CreateCollection<TKey, TRecord>(sp.GetRequiredKeyedService<PostgresVectorStore>(key), name, configure));
        services.AddKeyedSingleton<VectorStoreCollection<TKey, TRecord>>(serviceKey, (sp, key) => sp.GetRequiredKeyedService<PostgresCollection<TKey, TRecord>>(key));
        services.AddKeyedSingleton<IKeywordHybridSearchable<TRecord>>(serviceKey, (sp, key) => sp.GetRequiredKeyedService<PostgresCollection<TKey, TRecord>>(key));
        services.AddKeyedSingleton<IKeywordSearchable<TRecord>>(serviceKey, (sp, key) => sp.GetRequiredKeyedService<PostgresCollection<TKey, TRecord>>(key));
        return services;
    }

    private static PostgresVectorStoreOptions CreateOptions(IServiceProvider services, object? key, Action<PostgresVectorStoreOptions>? configure)
    {
        var options = new PostgresVectorStoreOptions
        {
            EmbeddingGenerator = (key is null ? services.GetService<IEmbeddingGenerator<string, Embedding<float>>>() : services.GetKeyedService<IEmbeddingGenerator<string, Embedding<float>>>(key))
                ?? services.GetService<IEmbeddingGenerator<string, Embedding<float>>>(),
            LoggerFactory = services.GetService<ILoggerFactory>(),
        };
        configure?.Invoke(options);
        return options;
    }

    private static PostgresCollection<TKey, TRecord> CreateCollection<TKey, TRecord>(PostgresVectorStore store, string name, Action<PostgresCollectionOptions>? configure)
        where TKey : notnull
        where TRecord : class
    {
        var options = new PostgresCollectionOptions(store.Options.CollectionDefaults);
        configure?.Invoke(options);
        return store.GetCollection<TKey, TRecord>(name, options);
    }
}
