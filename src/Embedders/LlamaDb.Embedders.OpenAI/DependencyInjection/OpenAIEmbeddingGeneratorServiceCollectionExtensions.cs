using LlamaDb.Embedders;
using LlamaDb.Embedders.OpenAI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers <see cref="OpenAIEmbeddingGenerator"/> for OpenAI or Azure OpenAI as
/// <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c> (singleton). Only a factory is registered: options are
/// read, validated and the client built when the generator is first resolved. Settings apply in this order: the
/// configuration section, then <c>configure</c>, then the environment variables for whatever is still unset.
/// </summary>
public static class OpenAIEmbeddingGeneratorServiceCollectionExtensions
{
    /// <summary>Adds an OpenAI embedding generator.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options; the key falls back to <c>OPENAI_API_KEY</c>.</param>
    /// <returns>A builder to add middleware (caching, logging, telemetry) around the generator.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddOpenAIEmbeddingGenerator(
        this IServiceCollection services, Action<OpenAIEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddEmbeddingGenerator(sp => CreateOpenAI(sp, configuration: null, configure));
    }

    /// <summary>Adds an OpenAI embedding generator with options bound from <paramref name="configuration"/> (e.g. the <c>OpenAI</c> section).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">A section whose keys are <see cref="OpenAIEmbeddingOptions"/>' property names.</param>
    /// <param name="configure">Changes applied after binding.</param>
    /// <returns>A builder to add middleware around the generator.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddOpenAIEmbeddingGenerator(
        this IServiceCollection services, IConfiguration configuration, Action<OpenAIEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddEmbeddingGenerator(sp => CreateOpenAI(sp, configuration, configure));
    }

    /// <summary>Adds an OpenAI embedding generator under <paramref name="serviceKey"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key to resolve it by.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>A builder to add middleware around the generator.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddKeyedOpenAIEmbeddingGenerator(
        this IServiceCollection services, object? serviceKey, Action<OpenAIEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddKeyedEmbeddingGenerator(serviceKey, sp => CreateOpenAI(sp, configuration: null, configure));
    }

    /// <summary>Adds an OpenAI embedding generator under <paramref name="serviceKey"/> with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key to resolve it by.</param>
    /// <param name="configuration">A section whose keys are <see cref="OpenAIEmbeddingOptions"/>' property names.</param>
    /// <param name="configure">Changes applied after binding.</param>
    /// <returns>A builder to add middleware around the generator.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddKeyedOpenAIEmbeddingGenerator(
        this IServiceCollection services, object? serviceKey, IConfiguration configuration, Action<OpenAIEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddKeyedEmbeddingGenerator(serviceKey, sp => CreateOpenAI(sp, configuration, configure));
    }

    /// <summary>Adds an Azure OpenAI embedding generator (the resource's <c>/openai/v1/</c> API, deployment as model).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options; key and endpoint fall back to <c>AZURE_OPENAI_API_KEY</c> and <c>AZURE_OPENAI_ENDPOINT</c>.</param>
    /// <returns>A builder to add middleware around the generator.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddAzureOpenAIEmbeddingGenerator(
        this IServiceCollection services, Action<AzureOpenAIEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddEmbeddingGenerator(sp => CreateAzure(sp, configuration: null, configure));
    }

    /// <summary>Adds an Azure OpenAI embedding generator with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">A section whose keys are <see cref="AzureOpenAIEmbeddingOptions"/>' property names.</param>
    /// <param name="configure">Changes applied after binding.</param>
    /// <returns>A builder to add middleware around the generator.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddAzureOpenAIEmbeddingGenerator(
        this IServiceCollection services, IConfiguration configuration, Action<AzureOpenAIEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddEmbeddingGenerator(sp => CreateAzure(sp, configuration, configure));
    }

    /// <summary>Adds an Azure OpenAI embedding generator under <paramref name="serviceKey"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key to resolve it by.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>A builder to add middleware around the generator.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddKeyedAzureOpenAIEmbeddingGenerator(
        this IServiceCollection services, object? serviceKey, Action<AzureOpenAIEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddKeyedEmbeddingGenerator(serviceKey, sp => CreateAzure(sp, configuration: null, configure));
    }

    /// <summary>Adds an Azure OpenAI embedding generator under <paramref name="serviceKey"/> with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key to resolve it by.</param>
    /// <param name="configuration">A section whose keys are <see cref="AzureOpenAIEmbeddingOptions"/>' property names.</param>
    /// <param name="configure">Changes applied after binding.</param>
    /// <returns>A builder to add middleware around the generator.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddKeyedAzureOpenAIEmbeddingGenerator(
        this IServiceCollection services, object? serviceKey, IConfiguration configuration, Action<AzureOpenAIEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddKeyedEmbeddingGenerator(serviceKey, sp => CreateAzure(sp, configuration, configure));
    }

    private static OpenAIEmbeddingGenerator CreateOpenAI(IServiceProvider services, IConfiguration? configuration, Action<OpenAIEmbeddingOptions>? configure)
    {
        var options = new OpenAIEmbeddingOptions();
        configuration?.Bind(options);
        configure?.Invoke(options);
        return new OpenAIEmbeddingGenerator(options, CreateLogger(services));
    }

    private static OpenAIEmbeddingGenerator CreateAzure(IServiceProvider services, IConfiguration? configuration, Action<AzureOpenAIEmbeddingOptions>? configure)
    {
        var options = new AzureOpenAIEmbeddingOptions();
        configuration?.Bind(options);
        configure?.Invoke(options);
        return new OpenAIEmbeddingGenerator(options, CreateLogger(services));
    }

    private static ILogger? CreateLogger(IServiceProvider services) =>
        (services.GetService(typeof(ILoggerFactory)) as ILoggerFactory)?.CreateLogger<OpenAIEmbeddingGenerator>();
}
