using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders.Tests.TestDoubles;

/// <summary>Throws the given exception on every call.</summary>
internal sealed class FailingEmbeddingGenerator(Exception exception) : IEmbeddingGenerator<string, Embedding<float>>
{
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromException<GeneratedEmbeddings<Embedding<float>>>(exception);

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("failing", new Uri("https://embed.example.com:8443/v1"), "broken-model", 8) : null;

    public void Dispose()
    {
    }
}
