using LlamaDb.Embedders.Onnx;
using Microsoft.Extensions.AI;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="OnnxEmbeddingGenerator"/> as <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c>.</summary>
public static class OnnxEmbeddingGeneratorServiceCollectionExtensions
{
    /// <summary>
    /// Adds a singleton ONNX embedding generator for the model folder. Nothing is read at registration:
    /// the model loads on first use.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelDirectory">A model folder in Hugging Face / sentence-transformers layout.</param>
    /// <param name="configure">Optional changes to the options.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddOnnxEmbeddingGenerator(
        this IServiceCollection services,
        string modelDirectory,
        Action<OnnxEmbeddingGeneratorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_ => Create(modelDirectory, configure));
        return services;
    }

    /// <summary>Adds a keyed singleton ONNX embedding generator for the model folder, loaded on first use.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key to resolve it by.</param>
    /// <param name="modelDirectory">A model folder in Hugging Face / sentence-transformers layout.</param>
    /// <param name="configure">Optional changes to the options.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddKeyedOnnxEmbeddingGenerator(
        this IServiceCollection services,
        object? serviceKey,
        string modelDirectory,
        Action<OnnxEmbeddingGeneratorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        services.AddKeyedSingleton<IEmbeddingGenerator<string, Embedding<float>>>(serviceKey, (_, _) => Create(modelDirectory, configure));
        return services;
    }

    private static OnnxEmbeddingGenerator Create(string modelDirectory, Action<OnnxEmbeddingGeneratorOptions>? configure)
    {
        var options = new OnnxEmbeddingGeneratorOptions();
        configure?.Invoke(options);
        return new OnnxEmbeddingGenerator(modelDirectory, options);
    }
}
