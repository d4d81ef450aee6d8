using LlamaDb.Retrieval;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the retrieval-augmented answering stack: <see cref="RagPipeline"/>, the knowledge-base tools and their
/// options. The pipeline depends only on contracts it resolves from the container: an <see cref="IRetriever"/> (register
/// one with the retriever package's <c>AddRetriever(...)</c> or your own) and an <see cref="IChatClient"/> (for example
/// <c>AddOpenAIChatClient</c>).
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
