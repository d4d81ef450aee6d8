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
    /// registered explicitly; never the embedder's <see cref="ITokenCounter"/>), the tools <c>search_knowledge_base</c> and <c>ask_knowledge_base</c> as <see cref="AITool"/> services
    /// (resolve them with <c>GetServices&lt;AITool&gt;()</c>), and <see cref="LlamaDbRetrievalOptions"/>. Only factories are
    /// registered: nothing is built, read or validated until first resolved. Calling it again adds nothing twice.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">
    /// The configuration root (its <c>LlamaDb</c> section is used) or the <c>LlamaDb</c> section itself; null binds nothing.
    /// </param>
    /// <param name="configure">Changes applied after binding.</param>
    /// <returns>The services.</returns>
    /// <exception cref="InvalidOperationException"><c>LlamaDb:Reranker:Provider</c> is not a known provider; the message lists the allowed values.</exception>
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

        if (root?.GetSection("Reranker") is { } reranker)
        {
            AddConfiguredReranker(services, reranker);
        }

        services.TryAddSingleton(sp =>
        {
            // A registered ChunkerOptions (e.g. from AddBertTokenCounter: the model's limit and tokenizer) gives the
            // defaults; the LlamaDb:Chunking section overrides them.
            ChunkerOptions chunking = sp.GetService<ChunkerOptions>()?.Clone() ?? new ChunkerOptions();
            root?.GetSection("Chunking").Bind(chunking);
            if (sp.GetService<ITokenCounter>() is { } counter)
            {
                chunking.TokenCounter = counter;
            }

            var ingestion = new IngestionOptions();
            root?.GetSection("Ingestion").Bind(ingestion);
            var chunker = new RecursiveChunker(chunking);
            ingestion.ConfigurationFingerprint ??= IngestionFingerprint.Create(
                chunker,
                sp.GetService<IEmbeddingGenerator<string, Embedding<float>>>()?.GetService<EmbeddingGeneratorMetadata>());
            return new IngestionPipeline(
                Require<LlamaDb.VectorData.VectorStoreCollection<string, ChunkRecord>>(sp, "register the chunk collection, e.g. AddHnswCollection<string, ChunkRecord>(name, o => o.Definition = ChunkRecordDefinition.Create(dimensions))"),
                chunker,
                ingestion,
                sp.GetService<ILogger<IngestionPipeline>>());
        });

        // The prompt budget counts chat-model tokens: the embedder's WordPiece counter (ITokenCounter) is the wrong
        // tokenizer for it, so only an explicitly registered IPromptTokenCounter replaces the approximation.
        services.TryAddSingleton<IPromptTokenCounter>(ApproximatePromptTokenCounter.Instance);
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

    /// <summary>Acts on <c>LlamaDb:Reranker:Provider</c>: cohere adds the Cohere reranker; onnx/cross-encoder expect AddCrossEncoderReranker; anything else throws.</summary>
    private static void AddConfiguredReranker(IServiceCollection services, IConfigurationSection reranker)
    {
        string? provider = reranker["Provider"];
        switch (provider?.Trim().ToLowerInvariant())
        {
            case null or "" or "none":
                return;
            case "cohere":
                if (!services.Any(d => d.ServiceType == typeof(IReranker)))
                {
                    services.AddCohereReranker(reranker);
                }

                return;
            case "onnx" or "cross-encoder" or "crossencoder":
                // The cross-encoder lives in LlamaDb.Retrieval.Onnx; it may be added after this call, and a later
                // AddCrossEncoderReranker registration wins over this placeholder, which only explains what is missing.
                services.TryAddSingleton<IReranker>(_ => throw new InvalidOperationException(
                    $"{reranker.Path}:Provider is '{provider}', but no cross-encoder reranker is registered: call services.AddCrossEncoderReranker(modelDirectory) from LlamaDb.Retrieval.Onnx."));
                return;
            default:
                throw new InvalidOperationException(
                    $"{reranker.Path}:Provider is '{provider}', which is not a known reranker provider. Allowed values: 'cohere' (added here from {reranker.Path}), " +
                    "'onnx' or 'cross-encoder' (call services.AddCrossEncoderReranker(modelDirectory) from LlamaDb.Retrieval.Onnx), or empty/'none' for no reranker.");
        }
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
