namespace LlamaDb.VectorData.ConformanceTests.Records;

/// <summary>A record with two full-text indexed properties, for hybrid search's AdditionalProperty.</summary>
public sealed class TitledArticleRecord
{
    [VectorStoreKey]
    public int Key { get; set; }

    [VectorStoreData(IsFullTextIndexed = true)]
    public string Title { get; set; } = "";

    [VectorStoreData(IsFullTextIndexed = true)]
    public string Body { get; set; } = "";

    [VectorStoreVector(3)]
    public ReadOnlyMemory<float> Embedding { get; set; }
}
