namespace LlamaDb.VectorData.ConformanceTests.Records;

/// <summary>A record with one full-text indexed property, for hybrid search.</summary>
public sealed class ArticleRecord
{
    [VectorStoreKey]
    public int Key { get; set; }

    [VectorStoreData(IsFullTextIndexed = true)]
    public string Text { get; set; } = "";

    [VectorStoreData(IsIndexed = true)]
    public string Category { get; set; } = "";

    [VectorStoreVector(3)]
    public ReadOnlyMemory<float> Embedding { get; set; }
}
