using LlamaDb.Retrieval;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the retrieval stack in one call: the <see cref="Retriever"/> (over the
/// <c>VectorStoreCollection&lt;string, ChunkRecord&gt;</c> in the container) unless an <see cref="IRetriever"/> is already
/// registered, a Cohere-style reranker when <c>LlamaDb:Reranker:Provider</c> is <c>cohere</c> (the ONNX cross-encoder is
/// added with <c>AddCrossEncoderReranker</c> from LlamaDb.Retrieval.Onnx), an <see cref="IngestionPipeline"/> with a
/// recursive chunker (<c>LlamaDb:Chunking</c>), <see cref="RagPipeline"/>, the knowledge-base tools and their options.
/// The answering side needs an <see cref="IChatClient"/> (for example <c>AddOpenAIChatClient</c>).
/// </summary>
public static class LlamaDbRetrievalServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="RagPipeline"/> (singleton), <see cref="IPromptTokenCounter"/> (the approximate counter, unless one is
    /// registered), the tools <c>search_knowledge_base</c> and <c>ask_knowledge_base</c> as <see cref="AITool"/> services
    /// (resolve them with <c>GetServices&lt;AITool&gt;()</c>), and <see cref="LlamaDbRetrievalOptions"/>. Only factories are
    /// registered: nothing is built, read or validated until first resolved. Calling it again adds nothing twice.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">
    /// The configuration root (its <c>LlamaDb</c> section is used) or the <c>LlamaDb</c> section itself; null binds nothing.
    /// </param>
    /// <param name="configure">Changes applied after binding.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddLlamaDbRetrieval(this IServiceCollection services, IConfiguration? configuration = null, Action<LlamaDbRetrievalOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<LlamaDbRetrievalOptions> options = services.AddOptions<LlamaDbRetrievalOptions>();
        if (configuration is not null)
        {
            IConfiguration section = configuration is IConfigurationSection { Key: LlamaDbRetrievalOptions.SectionName }
                ? configuration
                : configuration.GetSection(LlamaDbRetrievalOptions.SectionName);
            options.Bind(section);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(RagPipeline)))
        {
            return services; // Already added: the options above still apply, the services are not duplicated.
        }

        IConfiguration? root = configuration is null
            ? null
            : configuration is IConfigurationSection { Key: LlamaDbRetrievalOptions.SectionName } ? configuration : configuration.GetSection(LlamaDbRetrievalOptions.SectionName);
        if (!services.Any(d => d.ServiceType == typeof(IRetriever)))
        {
            if (root is not null)
            {
                services.AddRetriever(root.GetSection("Retrieval"));
            }
            else
            {
                services.AddRetriever();
            }
        }

        if (root?.GetSection("Reranker") is { } reranker
            && string.Equals(reranker["Provider"], "cohere", StringComparison.OrdinalIgnoreCase)
            && !services.Any(d => d.ServiceType == typeof(IReranker)))
        {
            services.AddCohereReranker(reranker);
        }

        services.TryAddSingleton(sp =>
        {
            var chunking = new ChunkerOptions();
            root?.GetSection("Chunking").Bind(chunking);
            if (sp.GetService<ITokenCounter>() is { } counter)
            {
                chunking.TokenCounter = counter;
            }

            var ingestion = new IngestionOptions();
            root?.GetSection("Ingestion").Bind(ingestion);
            return new IngestionPipeline(
                Require<LlamaDb.VectorData.VectorStoreCollection<string, ChunkRecord>>(sp, "register the chunk collection, e.g. AddHnswCollection<string, ChunkRecord>(name, o => o.Definition = ChunkRecordDefinition.Create(dimensions))"),
                new RecursiveChunker(chunking),
                ingestion,
                sp.GetService<ILogger<IngestionPipeline>>());
        });
        services.TryAddSingleton<IPromptTokenCounter>(sp => sp.GetService<ITokenCounter>() ?? (IPromptTokenCounter)ApproximatePromptTokenCounter.Instance);
        services.AddSingleton(sp =>
        {
            LlamaDbRetrievalOptions settings = Settings(sp);
            return new RagPipeline(
                Require<IRetriever>(sp, "call AddRetriever(...) from the retriever package, or register your own IRetriever"),
                Require<IChatClient>(sp, "register one, e.g. AddOpenAIChatClient(...) or AddOpenAICompatibleChatClient(...)"),
                settings.Answers,
                sp.GetService<IPromptTokenCounter>(),
                sp.GetService<ILogger<RagPipeline>>());
        });
        services.AddSingleton<AITool>(sp => RagTools.CreateSearchFunction(
            Require<IRetriever>(sp, "call AddRetriever(...) from the retriever package, or register your own IRetriever"),
            Settings(sp).Tools));
        services.AddSingleton<AITool>(sp => RagTools.CreateAskFunction(sp.GetRequiredService<RagPipeline>(), Settings(sp).Tools));
        return services;
    }

    private static LlamaDbRetrievalOptions Settings(IServiceProvider services)
    {
        LlamaDbRetrievalOptions settings = services.GetRequiredService<IOptions<LlamaDbRetrievalOptions>>().Value;
        settings.Validate();
        return settings;
    }

    private static T Require<T>(IServiceProvider services, string remedy)
        where T : class =>
        services.GetService<T>()
            ?? throw new InvalidOperationException($"No {typeof(T).Name} is registered, and the LlamaDb RAG pipeline needs one: {remedy}.");
}
