using LlamaDb.Retrieval;
using LlamaDb.Retrieval.Onnx;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="CrossEncoderReranker"/> as <see cref="IReranker"/>.</summary>
public static class CrossEncoderRerankerServiceCollectionExtensions
{
    /// <summary>Adds a singleton cross-encoder reranker for the model folder. Nothing is read at registration: the model loads on first use.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelDirectory">A model folder in Hugging Face layout.</param>
    /// <param name="configure">Optional changes to the options.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddCrossEncoderReranker(this IServiceCollection services, string modelDirectory, Action<CrossEncoderRerankerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        return services.AddCrossEncoderReranker(options =>
        {
            configure?.Invoke(options);
            options.ModelDirectory = modelDirectory;
        });
    }

    /// <summary>Adds a singleton cross-encoder reranker configured by <paramref name="configure"/>, loaded on first use.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options (at least the model folder, or the model and tokenizer files).</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddCrossEncoderReranker(this IServiceCollection services, Action<CrossEncoderRerankerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton(_ => Create(configure));
        services.AddSingleton<IReranker>(sp => sp.GetRequiredService<CrossEncoderReranker>());
        return services;
    }

    /// <summary>Adds a keyed singleton cross-encoder reranker for the model folder, loaded on first use.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key to resolve it by.</param>
    /// <param name="modelDirectory">A model folder in Hugging Face layout.</param>
    /// <param name="configure">Optional changes to the options.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddKeyedCrossEncoderReranker(this IServiceCollection services, object? serviceKey, string modelDirectory, Action<CrossEncoderRerankerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        Action<CrossEncoderRerankerOptions> setup = options =>
        {
            configure?.Invoke(options);
            options.ModelDirectory = modelDirectory;
        };
        services.AddKeyedSingleton(serviceKey, (_, _) => Create(setup));
        services.AddKeyedSingleton<IReranker>(serviceKey, (sp, key) => sp.GetRequiredKeyedService<CrossEncoderReranker>(key));
        return services;
    }

    private static CrossEncoderReranker Create(Action<CrossEncoderRerankerOptions> configure)
    {
        var options = new CrossEncoderRerankerOptions();
        configure(options);
        return new CrossEncoderReranker(options);
    }
}
