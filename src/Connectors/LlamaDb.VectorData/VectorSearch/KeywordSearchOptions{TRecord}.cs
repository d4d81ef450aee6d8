using System.Linq.Expressions;

namespace LlamaDb.VectorData;

/// <summary>Options for <see cref="IKeywordSearchable{TRecord}.KeywordSearchAsync"/>.</summary>
/// <typeparam name="TRecord">The record type.</typeparam>
public class KeywordSearchOptions<TRecord>
{
    private int _skip;

    /// <summary>A filter the results must match.</summary>
    public Expression<Func<TRecord, bool>>? Filter { get; set; }

    /// <summary>The full-text indexed property the keywords are matched against; needed only when there are several.</summary>
    public Expression<Func<TRecord, object?>>? FullTextProperty { get; set; }

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

    /// <summary>Drop results scoring below this value.</summary>
    public double? ScoreThreshold { get; set; }
}
