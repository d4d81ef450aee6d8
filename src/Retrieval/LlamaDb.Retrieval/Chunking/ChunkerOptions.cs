namespace LlamaDb.Retrieval;

/// <summary>Options shared by the chunkers.</summary>
public sealed class ChunkerOptions
{
    /// <summary>
    /// Gets or sets the most tokens a chunk may have (under <see cref="TokenCounter"/>, special tokens excluded: a BERT
    /// model's limit minus 2 for [CLS] and [SEP]). Chunkers fill chunks up to it. Defaults to 254, what fits
    /// all-MiniLM-L6-v2 (256 positions) when counted with its tokenizer.
    /// </summary>
    public int MaxTokens { get; set; } = 254;

    /// <summary>Gets or sets the tokens consecutive windows share (<see cref="TokenWindowChunker"/> only). Defaults to 32.</summary>
    public int OverlapTokens { get; set; } = 32;

    /// <summary>Gets or sets the token counter. Defaults to <see cref="TokenEstimator.Default"/>.</summary>
    public ITokenCounter TokenCounter { get; set; } = TokenEstimator.Default;

    /// <summary>Creates a copy.</summary>
    /// <returns>The copy.</returns>
    public ChunkerOptions Clone() => new() { MaxTokens = MaxTokens, OverlapTokens = OverlapTokens, TokenCounter = TokenCounter };

    internal ChunkerOptions Validated(bool usesOverlap)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxTokens, nameof(MaxTokens));
        if (usesOverlap)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(OverlapTokens, nameof(OverlapTokens));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(OverlapTokens, MaxTokens, nameof(OverlapTokens));
        }

        ArgumentNullException.ThrowIfNull(TokenCounter, nameof(TokenCounter));
        return Clone();
    }
}
