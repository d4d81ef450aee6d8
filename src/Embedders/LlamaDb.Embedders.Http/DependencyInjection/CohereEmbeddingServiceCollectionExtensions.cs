using LlamaDb.Embedders;
using LlamaDb.Embedders.Http;
using LlamaDb.Embedders.Http.Internal;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="CohereEmbeddingGenerator"/> as the <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of strings.</summary>
public static class CohereEmbeddingServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client the generator uses when a factory is registered.</summary>
    public const string HttpClientName = "LlamaDb.Embedders.Http.Cohere";

    /// <summary>
    /// Registers a Cohere generator configured by <paramref name="configure"/>. The options are built and validated when the
    /// generator is first resolved; without an API key, the root configuration's <c>Cohere:ApiKey</c> or <c>COHERE_API_KEY</c>
    /// is used, then the <c>COHERE_API_KEY</c> environment variable.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder, to add middleware stages.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddCohereEmbeddingGenerator(
        this IServiceCollection services, Action<CohereEmbeddingOptions>? configure = null) =>
        services.AddEmbeddingGenerator(sp => Create(sp, null, configure));

    /// <summary>Registers a Cohere generator whose options are bound from <paramref name="configuration"/> (e.g. the <c>Embeddings:Cohere</c> section).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding <c>Endpoint</c>, <c>ApiKey</c>, <c>Model</c>, <c>Dimensions</c>, <c>InputType</c>, <c>Truncate</c>, ...</param>
    /// <param name="configure">Runs after binding, so values set here win; <see langword="null"/> for none.</param>
    /// <returns>The builder, to add middleware stages.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddCohereEmbeddingGenerator(
        this IServiceCollection services, IConfiguration configuration, Action<CohereEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddEmbeddingGenerator(sp => Create(sp, configuration, configure));
    }

    /// <summary>Registers a Cohere generator under <paramref name="serviceKey"/>, configured by <paramref name="configure"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder, to add middleware stages.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddKeyedCohereEmbeddingGenerator(
        this IServiceCollection services, object? serviceKey, Action<CohereEmbeddingOptions>? configure = null) =>
        services.AddKeyedEmbeddingGenerator(serviceKey, sp => Create(sp, null, configure));

    /// <summary>Registers a Cohere generator under <paramref name="serviceKey"/>, its options bound from <paramref name="configuration"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key.</param>
    /// <param name="configuration">The options section.</param>
    /// <param name="configure">Runs after binding, so values set here win; <see langword="null"/> for none.</param>
    /// <returns>The builder, to add middleware stages.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddKeyedCohereEmbeddingGenerator(
        this IServiceCollection services, object? serviceKey, IConfiguration configuration, Action<CohereEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddKeyedEmbeddingGenerator(serviceKey, sp => Create(sp, configuration, configure));
    }

    private static CohereEmbeddingGenerator Create(IServiceProvider services, IConfiguration? section, Action<CohereEmbeddingOptions>? configure)
    {
        var options = new CohereEmbeddingOptions();
        section?.Bind(options);
        configure?.Invoke(options);
        if (string.IsNullOrWhiteSpace(options.ApiKey) && services.GetService<IConfiguration>() is { } root)
        {
            options.ApiKey = root["Cohere:ApiKey"] ?? root[CohereEmbeddingOptions.ApiKeyEnvironmentVariable];
        }

        (HttpClient? httpClient, ILogger? logger, TimeProvider timeProvider) = GeneratorServices.Resolve<CohereEmbeddingGenerator>(services, HttpClientName);
        return new CohereEmbeddingGenerator(options, httpClient, logger, timeProvider);
    }
}
