namespace LlamaDb.Retrieval;

/// <summary>Options shared by the chunkers.</summary>
public sealed class ChunkerOptions
{
    /// <summary>
    /// Gets or sets the most tokens a chunk may have (under <see cref="TokenCounter"/>, special tokens excluded: for a
    /// BERT model with a 256-token limit use 254). Chunkers fill chunks up to it. Defaults to 256.
    /// </summary>
    public int MaxTokens { get; set; } = 256;

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
