namespace LlamaDb.VectorData.ConformanceTests.Records;

/// <summary>A record with the less common integer types (short, byte, uint, ulong), kept apart so a connector lacking them can skip one test.</summary>
public sealed class SmallIntegersRecord
{
    [VectorStoreKey]
    public int Key { get; set; }

    [VectorStoreData]
    public short Short { get; set; }

    [VectorStoreData]
    public byte Byte { get; set; }

    [VectorStoreData]
    public uint UInt { get; set; }

    [VectorStoreData]
    public ulong ULong { get; set; }

    [VectorStoreData]
    public short? NullableShort { get; set; }

    [VectorStoreVector(3)]
    public ReadOnlyMemory<float> Embedding { get; set; }
}
