using System.Collections;

namespace LlamaDb.VectorData.ConformanceTests.Records;

/// <summary>A record with an 8-bit binary vector (Hamming distance).</summary>
public sealed class BinaryRecord
{
    [VectorStoreKey]
    public int Key { get; set; }

    [VectorStoreVector(8, DistanceFunction = DistanceFunction.HammingDistance)]
    public BitArray? Embedding { get; set; }
}
