namespace LlamaDb.VectorData;

/// <summary>Options for getting records by key.</summary>
public sealed class RecordRetrievalOptions
{
    /// <summary>Whether vectors are returned with the records. Defaults to false.</summary>
    public bool IncludeVectors { get; set; }
}
