namespace LlamaDb.VectorData.ConformanceTests.Records;

/// <summary>A record for CRUD, filter and search tests.</summary>
public sealed class ProductRecord
{
    [VectorStoreKey]
    public int Key { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public string Category { get; set; } = "";

    [VectorStoreData]
    public string? Name { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public int Rating { get; set; }

    [VectorStoreData]
    public int? NullableRating { get; set; }

    [VectorStoreData]
    public double Price { get; set; }

    [VectorStoreData]
    public bool IsActive { get; set; }

    [VectorStoreData]
    public List<string> Tags { get; set; } = [];

    [VectorStoreData]
    public string[] Labels { get; set; } = [];

    [VectorStoreData]
    public DateTimeOffset Created { get; set; }

    [VectorStoreData]
    public Guid Id { get; set; }

    [VectorStoreVector(3)]
    public ReadOnlyMemory<float> Embedding { get; set; }
}
