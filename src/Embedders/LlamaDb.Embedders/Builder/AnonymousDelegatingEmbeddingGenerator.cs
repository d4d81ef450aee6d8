using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders;

/// <summary>A stage made from a delegate by <see cref="EmbeddingGeneratorBuilder{TInput, TEmbedding}.Use(Func{IEnumerable{TInput}, EmbeddingGenerationOptions?, IEmbeddingGenerator{TInput, TEmbedding}, CancellationToken, Task{GeneratedEmbeddings{TEmbedding}}})"/>.</summary>
/// <typeparam name="TInput">The input type.</typeparam>
/// <typeparam name="TEmbedding">The embedding type.</typeparam>
internal sealed class AnonymousDelegatingEmbeddingGenerator<TInput, TEmbedding> : DelegatingEmbeddingGenerator<TInput, TEmbedding>
    where TEmbedding : Embedding
{
    private readonly Func<IEnumerable<TInput>, EmbeddingGenerationOptions?, IEmbeddingGenerator<TInput, TEmbedding>, CancellationToken, Task<GeneratedEmbeddings<TEmbedding>>> _generateFunc;

    public AnonymousDelegatingEmbeddingGenerator(
        IEmbeddingGenerator<TInput, TEmbedding> innerGenerator,
        Func<IEnumerable<TInput>, EmbeddingGenerationOptions?, IEmbeddingGenerator<TInput, TEmbedding>, CancellationToken, Task<GeneratedEmbeddings<TEmbedding>>> generateFunc)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(generateFunc);
        _generateFunc = generateFunc;
    }

    public override Task<GeneratedEmbeddings<TEmbedding>> GenerateAsync(
        IEnumerable<TInput> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        return _generateFunc(values, options, InnerGenerator, cancellationToken);
    }
}
