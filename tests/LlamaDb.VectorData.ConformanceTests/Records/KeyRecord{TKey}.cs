namespace LlamaDb.VectorData.ConformanceTests.Records;

/// <summary>A minimal record with a key of type <typeparamref name="TKey"/>.</summary>
public sealed class KeyRecord<TKey>
{
    [VectorStoreKey]
    public TKey Key { get; set; } = default!;

    [VectorStoreData]
    public string Text { get; set; } = "";

    [VectorStoreVector(3)]
    public ReadOnlyMemory<float> Embedding { get; set; }
}
