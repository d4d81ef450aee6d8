using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders.Tests.TestDoubles;

/// <summary>Returns a vector derived from each text and records every call it gets.</summary>
internal sealed class CountingEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingGeneratorMetadata _metadata;

    public CountingEmbeddingGenerator(string? modelId = "fake-model", string providerName = "fake", Uri? providerUri = null, int dimensions = 4)
    {
        _metadata = new EmbeddingGeneratorMetadata(providerName, providerUri, modelId, dimensions);
        Dimensions = dimensions;
    }

    public int Dimensions { get; }

    public ConcurrentQueue<(string[] Inputs, EmbeddingGenerationOptions? Options)> Calls { get; } = new();

    public int CallCount => Calls.Count;

    public bool Disposed { get; private set; }

    public static float[] VectorFor(string text, int dimensions)
    {
        var vector = new float[dimensions];
        int hash = StringComparer.Ordinal.GetHashCode(text);
        for (int i = 0; i < dimensions; i++)
        {
            vector[i] = (text.Length * 0.1f) + (i / 3f) + ((hash >> i) & 0xF) / 7f;
        }

        return vector;
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string[] inputs = [.. values];
        Calls.Enqueue((inputs, options));
        int dimensions = options?.Dimensions ?? Dimensions;
        var result = new GeneratedEmbeddings<Embedding<float>>(inputs.Select(t => new Embedding<float>(VectorFor(t, dimensions))
        {
            ModelId = options?.ModelId ?? _metadata.DefaultModelId,
            CreatedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)),
        }))
        {
            Usage = new UsageDetails { InputTokenCount = inputs.Sum(t => t.Length), TotalTokenCount = inputs.Sum(t => t.Length) },
        };
        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose() => Disposed = true;
}
