using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders.Http;

/// <summary>
/// A view of a <see cref="CohereEmbeddingGenerator"/> that returns one quantized type, so it composes wherever an
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of that type is expected. Disposing it does nothing: the
/// generator it views owns the connection.
/// </summary>
internal sealed class CohereTypedEmbeddingGenerator<TEmbedding>(
    CohereEmbeddingGenerator owner,
    Func<CohereEmbeddingGenerator, IEnumerable<string>, EmbeddingGenerationOptions?, CancellationToken, Task<GeneratedEmbeddings<TEmbedding>>> generate)
    : IEmbeddingGenerator<string, TEmbedding>
    where TEmbedding : Embedding
{
    public Task<GeneratedEmbeddings<TEmbedding>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        generate(owner, values, options, cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : owner.GetService(serviceType, serviceKey);
    }

    public void Dispose()
    {
    }
}
