using LlamaDb.Embedders;
using LlamaDb.Embedders.Http;
using LlamaDb.Embedders.Http.Internal;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="OpenAICompatibleEmbeddingGenerator"/> as the <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of strings.</summary>
public static class OpenAICompatibleEmbeddingServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client the generator uses when a factory is registered.</summary>
    public const string HttpClientName = "LlamaDb.Embedders.Http.OpenAICompatible";

    /// <summary>
    /// Registers an OpenAI-compatible generator configured by <paramref name="configure"/>; the options are built and
    /// validated when the generator is first resolved. The key comes only from the options (no environment fallback, so
    /// an OpenAI key is never sent to another server).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options (at least <see cref="OpenAICompatibleEmbeddingOptions.Endpoint"/>).</param>
    /// <returns>The builder, to add middleware stages.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddOpenAICompatibleEmbeddingGenerator(
        this IServiceCollection services, Action<OpenAICompatibleEmbeddingOptions>? configure = null) =>
        services.AddEmbeddingGenerator(sp => Create(sp, null, configure));

    /// <summary>Registers an OpenAI-compatible generator whose options are bound from <paramref name="configuration"/> (e.g. the <c>Embeddings:Ollama</c> section).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding <c>Endpoint</c>, <c>ApiKey</c>, <c>Model</c>, <c>Dimensions</c>, <c>EncodingFormat</c>, <c>MaxBatchSize</c>, ...</param>
    /// <param name="configure">Runs after binding, so values set here win; <see langword="null"/> for none.</param>
    /// <returns>The builder, to add middleware stages.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddOpenAICompatibleEmbeddingGenerator(
        this IServiceCollection services, IConfiguration configuration, Action<OpenAICompatibleEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddEmbeddingGenerator(sp => Create(sp, configuration, configure));
    }

    /// <summary>Registers an OpenAI-compatible generator under <paramref name="serviceKey"/>, configured by <paramref name="configure"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder, to add middleware stages.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddKeyedOpenAICompatibleEmbeddingGenerator(
        this IServiceCollection services, object? serviceKey, Action<OpenAICompatibleEmbeddingOptions>? configure = null) =>
        services.AddKeyedEmbeddingGenerator(serviceKey, sp => Create(sp, null, configure));

    /// <summary>Registers an OpenAI-compatible generator under <paramref name="serviceKey"/>, its options bound from <paramref name="configuration"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key.</param>
    /// <param name="configuration">The options section.</param>
    /// <param name="configure">Runs after binding, so values set here win; <see langword="null"/> for none.</param>
    /// <returns>The builder, to add middleware stages.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddKeyedOpenAICompatibleEmbeddingGenerator(
        this IServiceCollection services, object? serviceKey, IConfiguration configuration, Action<OpenAICompatibleEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddKeyedEmbeddingGenerator(serviceKey, sp => Create(sp, configuration, configure));
    }

    private static OpenAICompatibleEmbeddingGenerator Create(
        IServiceProvider services, IConfiguration? section, Action<OpenAICompatibleEmbeddingOptions>? configure)
    {
        var options = new OpenAICompatibleEmbeddingOptions();
        section?.Bind(options);
        configure?.Invoke(options);
        (HttpClient? httpClient, ILogger? logger, TimeProvider timeProvider) = GeneratorServices.Resolve<OpenAICompatibleEmbeddingGenerator>(services, HttpClientName);
        return new OpenAICompatibleEmbeddingGenerator(options, httpClient, logger, timeProvider);
    }
}
