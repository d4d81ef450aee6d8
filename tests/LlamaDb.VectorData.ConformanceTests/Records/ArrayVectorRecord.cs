namespace LlamaDb.VectorData.ConformanceTests.Records;

/// <summary>A record whose vector is a <c>float[]</c>.</summary>
public sealed class ArrayVectorRecord
{
    [VectorStoreKey]
    public string Key { get; set; } = "";

    [VectorStoreVector(3)]
    public float[]? Embedding { get; set; }
}
