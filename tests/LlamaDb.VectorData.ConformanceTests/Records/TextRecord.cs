namespace LlamaDb.VectorData.ConformanceTests.Records;

/// <summary>
/// A record whose vector property is a <see cref="string"/>: the store embeds it with an embedding generator. With
/// attributes (for a generator from the collection options); tests also describe it with definitions.
/// </summary>
public sealed class TextRecord
{
    /// <summary>The dimensions of <see cref="Embedding"/>.</summary>
    public const int Dimensions = 64;

    [VectorStoreKey]
    public int Key { get; set; }

    [VectorStoreData]
    public string Text { get; set; } = "";

    [VectorStoreVector(Dimensions)]
    public string? Embedding { get; set; }
}
