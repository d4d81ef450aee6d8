namespace LlamaDb.VectorData.ConformanceTests.Records;

/// <summary>A record with a data property of every commonly supported type, nullable forms, arrays and lists.</summary>
public sealed class AllTypesRecord
{
    [VectorStoreKey]
    public int Key { get; set; }

    [VectorStoreData]
    public string String { get; set; } = "";

    [VectorStoreData]
    public string? NullableString { get; set; }

    [VectorStoreData]
    public int Int { get; set; }

    [VectorStoreData]
    public long Long { get; set; }

    [VectorStoreData]
    public float Float { get; set; }

    [VectorStoreData]
    public double Double { get; set; }

    [VectorStoreData]
    public decimal Decimal { get; set; }

    [VectorStoreData]
    public bool Bool { get; set; }

    [VectorStoreData]
    public DateTime DateTime { get; set; }

    [VectorStoreData]
    public DateTimeOffset DateTimeOffset { get; set; }

    [VectorStoreData]
    public Guid Guid { get; set; }

    [VectorStoreData]
    public int? NullableInt { get; set; }

    [VectorStoreData]
    public double? NullableDouble { get; set; }

    [VectorStoreData]
    public bool? NullableBool { get; set; }

    [VectorStoreData]
    public DateTime? NullableDateTime { get; set; }

    [VectorStoreData]
    public DateTimeOffset? NullableDateTimeOffset { get; set; }

    [VectorStoreData]
    public Guid? NullableGuid { get; set; }

    [VectorStoreData]
    public string[] StringArray { get; set; } = [];

    [VectorStoreData]
    public int[] IntArray { get; set; } = [];

    [VectorStoreData]
    public List<string> StringList { get; set; } = [];

    [VectorStoreData]
    public List<double> DoubleList { get; set; } = [];

    [VectorStoreData]
    public List<Guid>? NullableGuidList { get; set; }

    [VectorStoreVector(3)]
    public ReadOnlyMemory<float> Embedding { get; set; }
}
