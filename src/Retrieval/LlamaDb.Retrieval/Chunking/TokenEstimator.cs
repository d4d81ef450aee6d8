namespace LlamaDb.Retrieval;

/// <summary>
/// The default <see cref="ITokenCounter"/>: no vocabulary, an estimate of a WordPiece/BPE count that over-counts on purpose,
/// so chunks sized with it fit the model. Text is split like BERT does (words; each punctuation mark, symbol and CJK
/// ideograph alone, one token each; control characters none). A word of n ASCII letters counts ⌈n / <see cref="CharactersPerToken"/>⌉
/// tokens; a word with digits (numbers, hex ids, hashes) one per character, since WordPiece cuts those into 1–2-character
/// pieces; a word with other letters (Cyrillic, Greek, Arabic, Thai, kana, Hangul, ...) one per character. No single
/// character counts more than one, so any one character fits any limit; the price is Hangul, which an uncased BERT tokenizer
/// decomposes into jamo (2–3 tokens a syllable) and this counts low. A rare letters-only word can still count low on its own (<c>hnswlib</c>: 2
/// against 4 WordPiece tokens), but prose evens it out: over 1,500 SciFact abstracts it counts about a third more than
/// all-MiniLM-L6-v2's tokenizer and no 250-token stretch counted fewer. Use the model's tokenizer through
/// <see cref="TokenCounter.Create"/> for exact limits.
/// </summary>
public sealed class TokenEstimator : ITokenCounter
{
    /// <summary>Creates an estimator.</summary>
    /// <param name="charactersPerToken">Characters of an ASCII letters-only word per token. Defaults to 4.</param>
    public TokenEstimator(int charactersPerToken = 4)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(charactersPerToken);
        CharactersPerToken = charactersPerToken;
    }

    /// <summary>Gets a shared estimator with the defaults.</summary>
    public static TokenEstimator Default { get; } = new();

    /// <summary>Gets the characters of an ASCII letters-only word per token.</summary>
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
            count += Estimate(text, start, end, kind);
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
            result[i] = new TokenSpan(start, end, Estimate(text, start, end, kind));
        }

        return result;
    }

    private int Estimate(string text, int start, int end, PreTokenKind kind) => kind switch
    {
        PreTokenKind.Word => EstimateWord(text.AsSpan(start, end - start)),
        PreTokenKind.Symbol => 1,
        _ => 0,
    };

    private int EstimateWord(ReadOnlySpan<char> word)
    {
        bool lettersOnly = true;
        foreach (char c in word)
        {
            if (!char.IsAsciiLetter(c))
            {
                lettersOnly = false;
                break;
            }
        }

        if (lettersOnly)
        {
            return (word.Length + CharactersPerToken - 1) / CharactersPerToken;
        }

        // Digits, mixed alphanumerics and non-ASCII letters: one token per character (rune).
        int count = word.Length;
        foreach (char c in word)
        {
            if (char.IsLowSurrogate(c))
            {
                count--; // the second half of a surrogate pair: one character
            }
        }

        return count;
    }
}
