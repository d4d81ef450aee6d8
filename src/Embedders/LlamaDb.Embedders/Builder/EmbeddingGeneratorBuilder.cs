using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders;

/// <summary>
/// Builds a pipeline of <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> stages around an inner generator, with the
/// member names of Microsoft.Extensions.AI's builder: stages added with <see cref="Use(Func{IEmbeddingGenerator{TInput, TEmbedding}, IEmbeddingGenerator{TInput, TEmbedding}})"/>
/// run in the order they were added (the first one added is the outermost).
/// </summary>
/// <typeparam name="TInput">The input type.</typeparam>
/// <typeparam name="TEmbedding">The embedding type.</typeparam>
public sealed class EmbeddingGeneratorBuilder<TInput, TEmbedding>
    where TEmbedding : Embedding
{
    private readonly Func<IServiceProvider, IEmbeddingGenerator<TInput, TEmbedding>> _innerFactory;
    private List<Func<IEmbeddingGenerator<TInput, TEmbedding>, IServiceProvider, IEmbeddingGenerator<TInput, TEmbedding>>>? _stages;

    /// <summary>Initializes a new instance around <paramref name="innerGenerator"/>.</summary>
    /// <param name="innerGenerator">The generator the pipeline ends in.</param>
    public EmbeddingGeneratorBuilder(IEmbeddingGenerator<TInput, TEmbedding> innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(innerGenerator);
        _innerFactory = _ => innerGenerator;
    }

    /// <summary>Initializes a new instance around the generator <paramref name="innerGeneratorFactory"/> makes at build time.</summary>
    /// <param name="innerGeneratorFactory">Makes the generator the pipeline ends in.</param>
    public EmbeddingGeneratorBuilder(Func<IServiceProvider, IEmbeddingGenerator<TInput, TEmbedding>> innerGeneratorFactory)
    {
        ArgumentNullException.ThrowIfNull(innerGeneratorFactory);
        _innerFactory = innerGeneratorFactory;
    }

    /// <summary>Adds a stage that wraps the generator built so far.</summary>
    /// <param name="generatorFactory">Wraps the next stage.</param>
    /// <returns>This builder.</returns>
    public EmbeddingGeneratorBuilder<TInput, TEmbedding> Use(Func<IEmbeddingGenerator<TInput, TEmbedding>, IEmbeddingGenerator<TInput, TEmbedding>> generatorFactory)
    {
        ArgumentNullException.ThrowIfNull(generatorFactory);
        return Use((inner, _) => generatorFactory(inner));
    }

    /// <summary>Adds a stage that wraps the generator built so far and may resolve services.</summary>
    /// <param name="generatorFactory">Wraps the next stage.</param>
    /// <returns>This builder.</returns>
    public EmbeddingGeneratorBuilder<TInput, TEmbedding> Use(Func<IEmbeddingGenerator<TInput, TEmbedding>, IServiceProvider, IEmbeddingGenerator<TInput, TEmbedding>> generatorFactory)
    {
        ArgumentNullException.ThrowIfNull(generatorFactory);
        (_stages ??= []).Add(generatorFactory);
        return this;
    }

    /// <summary>
    /// Adds a stage from a delegate that gets each call's inputs, options, the next stage and the cancellation token,
    /// and returns the embeddings (typically by calling the next stage, before or after doing its own work).
    /// </summary>
    /// <param name="generateFunc">The stage's <c>GenerateAsync</c>.</param>
    /// <returns>This builder.</returns>
    public EmbeddingGeneratorBuilder<TInput, TEmbedding> Use(
        Func<IEnumerable<TInput>, EmbeddingGenerationOptions?, IEmbeddingGenerator<TInput, TEmbedding>, CancellationToken, Task<GeneratedEmbeddings<TEmbedding>>> generateFunc)
    {
        ArgumentNullException.ThrowIfNull(generateFunc);
        return Use((inner, _) => new AnonymousDelegatingEmbeddingGenerator<TInput, TEmbedding>(inner, generateFunc));
    }

    /// <summary>Builds the pipeline: each stage wraps the next, the last wraps the inner generator.</summary>
    /// <param name="services">Services for the stages; an empty provider when <see langword="null"/>.</param>
    /// <returns>The outermost generator.</returns>
    /// <exception cref="InvalidOperationException">A stage factory returned <see langword="null"/>.</exception>
    public IEmbeddingGenerator<TInput, TEmbedding> Build(IServiceProvider? services = null)
    {
        services ??= EmptyServiceProvider.Instance;
        IEmbeddingGenerator<TInput, TEmbedding> generator = _innerFactory(services)
            ?? throw new InvalidOperationException("The inner embedding generator factory returned null.");
        if (_stages is not null)
        {
            for (int i = _stages.Count - 1; i >= 0; i--)
            {
                generator = _stages[i](generator, services)
                    ?? throw new InvalidOperationException($"Embedding pipeline stage {i} returned null; a stage must return a generator.");
            }
        }

        return generator;
    }

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static readonly EmptyServiceProvider Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
