using LlamaDb.Embedders;
using LlamaDb.Embedders.Onnx;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers <see cref="OnnxEmbeddingGenerator"/> as <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c>, returning the
/// <see cref="EmbeddingGeneratorBuilder{TInput, TEmbedding}"/> so middleware (<c>UseCaching</c>, <c>UseLogging</c>, ...) can wrap it.
/// </summary>
public static class OnnxEmbeddingGeneratorServiceCollectionExtensions
{
    /// <summary>
    /// The configuration key, inside the section given to the <see cref="IConfiguration"/> overloads, that names the model
    /// folder: <c>ModelDirectory</c>.
    /// </summary>
    public const string ModelDirectoryKey = "ModelDirectory";

    /// <summary>
    /// Adds a singleton ONNX embedding generator for the model folder. Nothing is read at registration:
    /// the model loads on first use.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelDirectory">A model folder in Hugging Face / sentence-transformers layout.</param>
    /// <param name="configure">Optional changes to the options.</param>
    /// <returns>The builder; stages added to it wrap the ONNX generator.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddOnnxEmbeddingGenerator(
        this IServiceCollection services,
        string modelDirectory,
        Action<OnnxEmbeddingGeneratorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        return services.AddEmbeddingGenerator(_ => Create(modelDirectory, null, configure));
    }

    /// <summary>
    /// Adds a singleton ONNX embedding generator whose options are bound from <paramref name="configuration"/> (e.g. the
    /// <c>Embeddings:Onnx</c> section): <c>ModelDirectory</c> names the model folder (or, without it, <c>ModelPath</c> and
    /// <c>TokenizerPath</c> name the files), and the other keys are <see cref="OnnxEmbeddingGeneratorOptions"/> property names
    /// (<c>BatchSize</c>, <c>Pooling</c>, <c>Normalize</c>, <c>Session:IntraOpThreads</c>, ...). The section is read and the
    /// options validated when the generator is first resolved; the model loads on first use.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The options section.</param>
    /// <param name="configure">Optional changes applied after binding.</param>
    /// <returns>The builder; stages added to it wrap the ONNX generator.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddOnnxEmbeddingGenerator(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<OnnxEmbeddingGeneratorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddEmbeddingGenerator(_ => Create(null, configuration, configure));
    }

    /// <summary>Adds a keyed singleton ONNX embedding generator for the model folder, loaded on first use.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key to resolve it by.</param>
    /// <param name="modelDirectory">A model folder in Hugging Face / sentence-transformers layout.</param>
    /// <param name="configure">Optional changes to the options.</param>
    /// <returns>The builder; stages added to it wrap the ONNX generator.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddKeyedOnnxEmbeddingGenerator(
        this IServiceCollection services,
        object? serviceKey,
        string modelDirectory,
        Action<OnnxEmbeddingGeneratorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        return services.AddKeyedEmbeddingGenerator(serviceKey, _ => Create(modelDirectory, null, configure));
    }

    /// <summary>
    /// Adds a keyed singleton ONNX embedding generator whose options are bound from <paramref name="configuration"/>
    /// (see <see cref="AddOnnxEmbeddingGenerator(IServiceCollection, IConfiguration, Action{OnnxEmbeddingGeneratorOptions}?)"/>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key to resolve it by.</param>
    /// <param name="configuration">The options section.</param>
    /// <param name="configure">Optional changes applied after binding.</param>
    /// <returns>The builder; stages added to it wrap the ONNX generator.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddKeyedOnnxEmbeddingGenerator(
        this IServiceCollection services,
        object? serviceKey,
        IConfiguration configuration,
        Action<OnnxEmbeddingGeneratorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddKeyedEmbeddingGenerator(serviceKey, _ => Create(null, configuration, configure));
    }

    private static OnnxEmbeddingGenerator Create(string? modelDirectory, IConfiguration? section, Action<OnnxEmbeddingGeneratorOptions>? configure)
    {
        var options = new OnnxEmbeddingGeneratorOptions();
        if (section is not null)
        {
            section.Bind(options);
            modelDirectory = section[ModelDirectoryKey];
        }

        configure?.Invoke(options);
        if (!string.IsNullOrWhiteSpace(modelDirectory))
        {
            return new OnnxEmbeddingGenerator(modelDirectory, options);
        }

        if ((options.ModelPath is null && options.ModelBytes is null) || options.TokenizerPath is null)
        {
            string where = section is IConfigurationSection { Path: { Length: > 0 } path } ? $"'{path}'" : "the configuration";
            throw new InvalidOperationException(
                $"The ONNX embedding generator needs a model: set {ModelDirectoryKey} (a model folder), or ModelPath and TokenizerPath, in {where}.");
        }

        return new OnnxEmbeddingGenerator(options);
    }
}
