using Microsoft.Extensions.AI;

namespace LlamaDb.VectorData.ConformanceTests.Records;

/// <summary>A record whose vector is an <see cref="Embedding{T}"/>.</summary>
public sealed class EmbeddingVectorRecord
{
    [VectorStoreKey]
    public string Key { get; set; } = "";

    [VectorStoreVector(3)]
    public Embedding<float>? Embedding { get; set; }
}
