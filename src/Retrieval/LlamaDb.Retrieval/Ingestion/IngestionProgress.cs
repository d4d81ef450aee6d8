namespace LlamaDb.Retrieval;

/// <summary>Where an ingestion run is: cumulative counts since it started.</summary>
public sealed record IngestionProgress
{
    /// <summary>Gets the documents handled so far (written, skipped or failed).</summary>
    public int Documents { get; init; }

    /// <summary>Gets the documents skipped because their content hash was unchanged.</summary>
    public int DocumentsSkipped { get; init; }

    /// <summary>Gets the documents that could not be chunked.</summary>
    public int DocumentsFailed { get; init; }

    /// <summary>Gets the chunks upserted.</summary>
    public int Chunks { get; init; }

    /// <summary>Gets the stale chunks deleted (of changed documents that now have fewer chunks).</summary>
    public int ChunksDeleted { get; init; }

    /// <summary>Gets the tokens of the upserted chunks.</summary>
    public long Tokens { get; init; }

    /// <summary>Gets the time since the run started.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Gets the upserted chunks per second so far.</summary>
    public double ChunksPerSecond => Elapsed > TimeSpan.Zero ? Chunks / Elapsed.TotalSeconds : 0;

    /// <summary>Gets the handled documents per second so far.</summary>
    public double DocumentsPerSecond => Elapsed > TimeSpan.Zero ? Documents / Elapsed.TotalSeconds : 0;
}
