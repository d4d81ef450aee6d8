namespace LlamaDb.VectorData;

/// <summary>Options for getting records by filter.</summary>
/// <typeparam name="TRecord">The record type.</typeparam>
public sealed class FilteredRecordRetrievalOptions<TRecord>
{
    private int _skip;

    /// <summary>Records to skip before returning results. Defaults to 0.</summary>
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
}
