namespace LlamaDb.VectorData.ConformanceTests.Records;

/// <summary>A record without attributes; tests describe it with a definition to pick the distance function.</summary>
public sealed class VectorRecord
{
    public int Key { get; set; }

    public string Text { get; set; } = "";

    public ReadOnlyMemory<float> Embedding { get; set; }
}
