namespace LlamaDb.Retrieval;

/// <summary>
/// The default <see cref="ITokenCounter"/>: no vocabulary, a conservative estimate of a WordPiece/BPE count. Text is split
/// like BERT does (words; each punctuation mark, symbol and CJK ideograph alone); a word of n characters counts
/// ⌈n / <see cref="CharactersPerToken"/>⌉ tokens, punctuation marks and symbols one, control characters none. It over-counts common English words, so chunks
/// sized with it usually fit the model; use the model's tokenizer through <see cref="TokenCounter.Create"/> for exact limits.
/// </summary>
public sealed class TokenEstimator : ITokenCounter
{
    /// <summary>Creates an estimator.</summary>
    /// <param name="charactersPerToken">Characters of a word per token. Defaults to 4.</param>
    public TokenEstimator(int charactersPerToken = 4)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(charactersPerToken);
        CharactersPerToken = charactersPerToken;
    }

    /// <summary>Gets a shared estimator with the defaults.</summary>
    public static TokenEstimator Default { get; } = new();

    /// <summary>Gets the characters of a word per token.</summary>
    public int CharactersPerToken { get; }

    /// <inheritdoc />
    public int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var spans = new List<(int Start, int End, PreTokenKind Kind)>();
        PreTokenizer.Split(text, spans);
        int count = 0;
        foreach ((int start, int end, PreTokenKind kind) in spans)
        {
            count += Estimate(kind, end - start);
        }

        return count;
    }

    /// <inheritdoc />
    public IReadOnlyList<TokenSpan> GetTokenSpans(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var spans = new List<(int Start, int End, PreTokenKind Kind)>();
        PreTokenizer.Split(text, spans);
        var result = new TokenSpan[spans.Count];
        for (int i = 0; i < result.Length; i++)
        {
            (int start, int end, PreTokenKind kind) = spans[i];
            result[i] = new TokenSpan(start, end, Estimate(kind, end - start));
        }

        return result;
    }

    private int Estimate(PreTokenKind kind, int characters) => kind switch
    {
        PreTokenKind.Word => (characters + CharactersPerToken - 1) / CharactersPerToken,
        PreTokenKind.Symbol => 1,
        _ => 0,
    };
}
