namespace LlamaDb.Retrieval;

/// <summary>Options of <see cref="SemanticChunker"/>.</summary>
public sealed class SemanticChunkerOptions
{
    /// <summary>Gets or sets the chunk size limit and token counter. Defaults to <see cref="ChunkerOptions"/>' defaults.</summary>
    public ChunkerOptions Chunking { get; set; } = new();

    /// <summary>
    /// Gets or sets the percentile (0-100) of the distances between consecutive sentences above which a new chunk starts:
    /// 95 cuts at the 5% largest topic shifts. Defaults to 95.
    /// </summary>
    public double BreakpointPercentile { get; set; } = 95;

    /// <summary>Gets or sets how many sentences are embedded per call. Defaults to 64.</summary>
    public int EmbeddingBatchSize { get; set; } = 64;
}
