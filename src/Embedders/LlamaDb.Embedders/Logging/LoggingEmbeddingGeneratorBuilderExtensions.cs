using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaDb.Embedders;

/// <summary><c>UseLogging</c>: add a logging stage to an embedding pipeline.</summary>
public static class LoggingEmbeddingGeneratorBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="LoggingEmbeddingGenerator{TInput, TEmbedding}"/> stage. When neither <paramref name="loggerFactory"/>
    /// nor the build's services provide an <see cref="ILoggerFactory"/>, the stage is skipped.
    /// </summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TEmbedding">The embedding type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="loggerFactory">Creates the logger; resolved from the build's services when <see langword="null"/>.</param>
    /// <param name="configure">Configures the stage at build time.</param>
    /// <returns>The builder.</returns>
    public static EmbeddingGeneratorBuilder<TInput, TEmbedding> UseLogging<TInput, TEmbedding>(
        this EmbeddingGeneratorBuilder<TInput, TEmbedding> builder,
        ILoggerFactory? loggerFactory = null,
        Action<LoggingEmbeddingGenerator<TInput, TEmbedding>>? configure = null)
        where TEmbedding : Embedding
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((innerGenerator, services) =>
        {
            ILoggerFactory factory = loggerFactory ?? services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
            if (factory == NullLoggerFactory.Instance)
            {
                return innerGenerator;
            }

            var generator = new LoggingEmbeddingGenerator<TInput, TEmbedding>(
                innerGenerator, factory.CreateLogger(typeof(LoggingEmbeddingGenerator<TInput, TEmbedding>)));
            configure?.Invoke(generator);
            return generator;
        });
    }
}
