namespace LlamaDb.VectorData.Tests.ProviderServices.Filter;

/// <summary>A record with a property of every kind the filter tests touch.</summary>
public sealed class FilterRecord
{
    [VectorStoreKey]
    public int Key { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public string Category { get; set; } = "";

    [VectorStoreData]
    public string? Name { get; set; }

    [VectorStoreData]
    public int Rating { get; set; }

    [VectorStoreData]
    public int? NullableRating { get; set; }

    [VectorStoreData]
    public long Count { get; set; }

    [VectorStoreData]
    public double Score { get; set; }

    [VectorStoreData]
    public float Ratio { get; set; }

    [VectorStoreData]
    public decimal Price { get; set; }

    [VectorStoreData]
    public bool IsActive { get; set; }

    [VectorStoreData]
    public bool? NullableFlag { get; set; }

    [VectorStoreData]
    public DateTime Created { get; set; }

    [VectorStoreData]
    public DateTimeOffset Updated { get; set; }

    [VectorStoreData]
    public Guid Id { get; set; }

    [VectorStoreData]
    public ulong Big { get; set; }

    [VectorStoreData]
    public List<string> Tags { get; set; } = [];

    [VectorStoreData]
    public string[] Labels { get; set; } = [];

    [VectorStoreVector(2)]
    public ReadOnlyMemory<float> Embedding { get; set; }

    [VectorStoreVector(2)]
    public float[]? ArrayEmbedding { get; set; }

    public override string ToString() =>
        $"{{Key={Key}, Category={Category}, Name={Name ?? "null"}, Rating={Rating}, NullableRating={NullableRating?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}, Count={Count}, " +
        $"Score={Score.ToString(System.Globalization.CultureInfo.InvariantCulture)}, IsActive={IsActive}, NullableFlag={NullableFlag?.ToString() ?? "null"}, Created={Created:O}, Id={Id}, Tags=[{string.Join(",", Tags)}], Labels=[{string.Join(",", Labels)}]}}";
}
