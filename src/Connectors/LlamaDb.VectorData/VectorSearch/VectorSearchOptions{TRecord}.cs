using System.Linq.Expressions;

namespace LlamaDb.VectorData;

/// <summary>Options for <see cref="VectorStoreCollection{TKey, TRecord}.SearchAsync{TInput}"/>.</summary>
/// <typeparam name="TRecord">The record type.</typeparam>
public class VectorSearchOptions<TRecord>
{
    private int _skip;

    /// <summary>A filter the results must match.</summary>
    public Expression<Func<TRecord, bool>>? Filter { get; set; }

    /// <summary>The vector property to search; needed only when the collection has several.</summary>
    public Expression<Func<TRecord, object?>>? VectorProperty { get; set; }

    /// <summary>Results to skip before returning results. Defaults to 0.</summary>
    public int Skip
    {
        get => _skip;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(Skip));
            _skip = value;
        }
    }

    /// <summary>Whether vectors are returned with the records. Defaults to false.</summary>
    public bool IncludeVectors { get; set; }

    /// <summary>
    /// Drop results worse than this score: for similarity functions, scores below it; for distance functions, scores
    /// above it.
    /// </summary>
    public double? ScoreThreshold { get; set; }
}
