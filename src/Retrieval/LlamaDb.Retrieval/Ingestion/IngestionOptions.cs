namespace LlamaDb.Retrieval;

/// <summary>Options of <see cref="IngestionPipeline"/>.</summary>
public sealed class IngestionOptions
{
    /// <summary>Gets or sets the most chunks per upsert call (the collection embeds each call's chunks in one batch). Defaults to 64.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Gets or sets how many groups of documents are chunked and upserted at once. Defaults to 2.</summary>
    public int MaxDegreeOfParallelism { get; set; } = 2;

    /// <summary>Gets or sets the documents a group holds (one group is chunked, then upserted in batches). Defaults to 32.</summary>
    public int DocumentsPerGroup { get; set; } = 32;

    /// <summary>Gets or sets whether unchanged documents are re-chunked and rewritten anyway (e.g. after changing the chunker). Defaults to false.</summary>
    public bool Force { get; set; }

    /// <summary>Gets or sets the most chunks one document may have in the store (the bound of the lookup of its old chunks). Defaults to 100,000.</summary>
    public int MaxChunksPerDocument { get; set; } = 100_000;

    /// <summary>
    /// Gets or sets a description of the configuration that shapes the chunks (chunker, limits, token counter, embedding
    /// model). It is hashed with each document's content into <see cref="ChunkRecord.ContentHash"/>, so changing it
    /// re-chunks every document on the next run. Defaults to <see langword="null"/>: computed by
    /// <see cref="IngestionFingerprint.Create"/> from the pipeline's chunker.
    /// </summary>
    public string? ConfigurationFingerprint { get; set; }

    /// <summary>Creates a copy.</summary>
    /// <returns>The copy.</returns>
    public IngestionOptions Clone() => new()
    {
        BatchSize = BatchSize,
        MaxDegreeOfParallelism = MaxDegreeOfParallelism,
        DocumentsPerGroup = DocumentsPerGroup,
        Force = Force,
        MaxChunksPerDocument = MaxChunksPerDocument,
        ConfigurationFingerprint = ConfigurationFingerprint,
    };

    internal IngestionOptions Validated()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxDegreeOfParallelism, nameof(MaxDegreeOfParallelism));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(DocumentsPerGroup, nameof(DocumentsPerGroup));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxChunksPerDocument, nameof(MaxChunksPerDocument));
        return Clone();
    }
}
