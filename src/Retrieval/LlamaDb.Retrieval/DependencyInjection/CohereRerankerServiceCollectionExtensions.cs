using LlamaDb.Retrieval;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="CohereReranker"/> as <see cref="IReranker"/>.</summary>
public static class CohereRerankerServiceCollectionExtensions
{
    /// <summary>Adds a singleton Cohere-protocol reranker. Nothing is sent at registration.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options (endpoint, key, model, retries).</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddCohereReranker(this IServiceCollection services, Action<CohereRerankerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(sp => Create(sp, configure));
        services.AddSingleton<IReranker>(sp => sp.GetRequiredService<CohereReranker>());
        return services;
    }

    /// <summary>
    /// Adds a singleton Cohere-protocol reranker with options bound from a configuration section (keys named like the
    /// <see cref="CohereRerankerOptions"/> properties: <c>Endpoint</c>, <c>ApiKey</c>, <c>Model</c>, <c>MaxRetries</c>, ...).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section, for example <c>configuration.GetSection("LlamaDb:Reranker")</c>.</param>
    /// <param name="configure">Optional changes after binding.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddCohereReranker(this IServiceCollection services, IConfiguration configuration, Action<CohereRerankerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddCohereReranker(options =>
        {
            configuration.Bind(options);
            configure?.Invoke(options);
        });
    }

    /// <summary>Adds a keyed singleton Cohere-protocol reranker.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key to resolve it by.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddKeyedCohereReranker(this IServiceCollection services, object? serviceKey, Action<CohereRerankerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddKeyedSingleton(serviceKey, (sp, _) => Create(sp, configure));
        services.AddKeyedSingleton<IReranker>(serviceKey, (sp, key) => sp.GetRequiredKeyedService<CohereReranker>(key));
        return services;
    }

    private static CohereReranker Create(IServiceProvider services, Action<CohereRerankerOptions>? configure)
    {
        var options = new CohereRerankerOptions();
        configure?.Invoke(options);
        return new CohereReranker(options, httpClient: null, services.GetService<ILogger<CohereReranker>>(), services.GetService<TimeProvider>());
    }
}
