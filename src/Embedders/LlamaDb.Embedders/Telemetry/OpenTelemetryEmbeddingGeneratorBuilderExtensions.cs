using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Embedders;

/// <summary><c>UseOpenTelemetry</c>: add a tracing and metrics stage to an embedding pipeline.</summary>
public static class OpenTelemetryEmbeddingGeneratorBuilderExtensions
{
    /// <summary>Adds an <see cref="OpenTelemetryEmbeddingGenerator{TInput, TEmbedding}"/> stage.</summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TEmbedding">The embedding type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="loggerFactory">Creates the stage's logger; resolved from the build's services when <see langword="null"/>.</param>
    /// <param name="sourceName">The activity source and meter name. Defaults to <c>LlamaDb.Embeddings</c>.</param>
    /// <param name="configure">Configures the stage at build time.</param>
    /// <returns>The builder.</returns>
    public static EmbeddingGeneratorBuilder<TInput, TEmbedding> UseOpenTelemetry<TInput, TEmbedding>(
        this EmbeddingGeneratorBuilder<TInput, TEmbedding> builder,
        ILoggerFactory? loggerFactory = null,
        string? sourceName = null,
        Action<OpenTelemetryEmbeddingGenerator<TInput, TEmbedding>>? configure = null)
        where TEmbedding : Embedding
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((innerGenerator, services) =>
        {
            ILoggerFactory? factory = loggerFactory ?? services.GetService<ILoggerFactory>();
            var generator = new OpenTelemetryEmbeddingGenerator<TInput, TEmbedding>(
                innerGenerator, factory?.CreateLogger(typeof(OpenTelemetryEmbeddingGenerator<TInput, TEmbedding>)), sourceName);
            configure?.Invoke(generator);
            return generator;
        });
    }
}
