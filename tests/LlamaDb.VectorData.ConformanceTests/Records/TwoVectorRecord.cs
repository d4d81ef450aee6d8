namespace LlamaDb.VectorData.ConformanceTests.Records;

/// <summary>A record with two vector properties.</summary>
public sealed class TwoVectorRecord
{
    [VectorStoreKey]
    public int Key { get; set; }

    [VectorStoreVector(3)]
    public ReadOnlyMemory<float> First { get; set; }

    [VectorStoreVector(3)]
    public ReadOnlyMemory<float> Second { get; set; }
}
