namespace LlamaDb.VectorData;

/// <summary>A record found by a search, with its score.</summary>
/// <typeparam name="TRecord">The record type.</typeparam>
/// <param name="record">The record.</param>
/// <param name="score">The score; its meaning follows the vector property's distance function (or the fusion for hybrid search).</param>
public sealed class VectorSearchResult<TRecord>(TRecord record, double? score)
{
    /// <summary>The record.</summary>
    public TRecord Record { get; } = record;

    /// <summary>The score.</summary>
    public double? Score { get; } = score;
}
