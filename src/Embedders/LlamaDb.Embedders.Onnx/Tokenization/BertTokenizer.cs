namespace LlamaDb.Embedders.Onnx.Tokenization;

/// <summary>
/// A BERT WordPiece tokenizer that reproduces Hugging Face's <c>BertNormalizer</c> + <c>BertPreTokenizer</c> +
/// <c>WordPiece</c> pipeline (the <c>tokenizer.json</c> of <c>bert-base-uncased</c> and its derivatives) id for id.
/// </summary>
/// <remarks>
/// <para>Immutable once built and safe to call from several threads at once. Tokenizing allocates only the returned
/// arrays: vocabulary lookups use spans and the working buffers come from <see cref="System.Buffers.ArrayPool{T}"/>.</para>
/// <para>No input makes it throw: lone surrogates are read as U+FFFD (what UTF-8 transcoding gives), control
/// characters are removed, and words it cannot split become the unknown token.</para>
/// </remarks>
public sealed partial class BertTokenizer
{
    private readonly WordPieceVocabulary _vocabulary;
    private readonly SpecialTokenMatcher? _specialTokens;
    private readonly bool _lowerCase;
    private readonly bool _stripAccents;
    private readonly bool _tokenizeChineseChars;
    private readonly bool _cleanText;
    private readonly int _maxInputCharsPerWord;

    internal BertTokenizer(WordPieceVocabulary vocabulary, BertTokenizerOptions options, int? modelMaxLength = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options.Clone();
        _vocabulary = vocabulary;
        _lowerCase = options.LowerCase;
        _stripAccents = options.EffectiveStripAccents;
        _tokenizeChineseChars = options.TokenizeChineseChars;
        _cleanText = options.CleanText;
        _maxInputCharsPerWord = options.MaxInputCharsPerWord;
        ModelMaxLength = modelMaxLength;

        UnknownId = RequireId(options.UnknownToken, nameof(options.UnknownToken));
        ClsId = RequireId(options.ClsToken, nameof(options.ClsToken));
        SepId = RequireId(options.SepToken, nameof(options.SepToken));
        PadId = RequireId(options.PadToken, nameof(options.PadToken));
        MaskId = RequireId(options.MaskToken, nameof(options.MaskToken));

        if (options.MatchSpecialTokensInText)
        {
            var specials = new List<KeyValuePair<string, int>>();
            AddSpecial(specials, options.UnknownToken, UnknownId);
            AddSpecial(specials, options.ClsToken, ClsId);
            AddSpecial(specials, options.SepToken, SepId);
            AddSpecial(specials, options.PadToken, PadId);
            AddSpecial(specials, options.MaskToken, MaskId);
            for (int i = 0; i < options.AdditionalSpecialTokens.Count; i++)
            {
                string token = options.AdditionalSpecialTokens[i];
                AddSpecial(specials, token, RequireId(token, $"AdditionalSpecialTokens[{i}]"));
            }

            _specialTokens = new SpecialTokenMatcher(specials);
        }
    }

    /// <summary>Gets a copy of the settings this tokenizer was built with; changing it has no effect on the tokenizer.</summary>
    public BertTokenizerOptions Options { get; }

    /// <summary>Gets the number of token ids (the largest id plus one), special and added tokens included.</summary>
    public int VocabularySize => _vocabulary.Count;

    /// <summary>Gets the id of the token that starts every sequence (<c>[CLS]</c>).</summary>
    public int ClsId { get; }

    /// <summary>Gets the id of the separator token (<c>[SEP]</c>).</summary>
    public int SepId { get; }

    /// <summary>Gets the id of the padding token (<c>[PAD]</c>).</summary>
    public int PadId { get; }

    /// <summary>Gets the id of the unknown token (<c>[UNK]</c>).</summary>
    public int UnknownId { get; }

    /// <summary>Gets the id of the mask token (<c>[MASK]</c>).</summary>
    public int MaskId { get; }

    /// <summary>
    /// Gets the model's maximum sequence length from <c>tokenizer_config.json</c>'s <c>model_max_length</c>, or
    /// <see langword="null"/> when it is absent or a placeholder (Hugging Face writes 1e30 for "no limit").
    /// </summary>
    public int? ModelMaxLength { get; }

    /// <summary>Looks up the id of a vocabulary token (continuation pieces include their prefix, e.g. <c>##ing</c>).</summary>
    /// <param name="token">The token text.</param>
    /// <param name="id">The id, when found.</param>
    /// <returns><see langword="true"/> when the token is in the vocabulary.</returns>
    public bool TryGetId(ReadOnlySpan<char> token, out int id) => _vocabulary.TryGetId(token, out id);

    /// <summary>Gets the token string of an id.</summary>
    /// <param name="id">A token id.</param>
    /// <returns>The token, continuation prefix included.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is not a token id.</exception>
    public string GetToken(int id) => _vocabulary.GetToken(id)
        ?? throw new ArgumentOutOfRangeException(nameof(id), id, "The id is not a token of this vocabulary.");

    /// <summary>Splits text into word pieces, without <c>[CLS]</c> and <c>[SEP]</c>; meant for debugging and tests.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The pieces as vocabulary strings (unknown words as the unknown token).</returns>
    public IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new PooledBuffer<int>(EstimatePieces(text.Length));
        try
        {
            AppendPieces(text, ref ids);
            var tokens = new string[ids.Count];
            ReadOnlySpan<int> span = ids.Span;
            for (int i = 0; i < tokens.Length; i++)
            {
                tokens[i] = GetToken(span[i]);
            }

            return tokens;
        }
        finally
        {
            ids.Dispose();
        }
    }

    /// <summary>Counts the ids <see cref="Encode"/> would produce without truncation, <c>[CLS]</c> and <c>[SEP]</c> included.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The number of ids.</returns>
    public int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new PooledBuffer<int>(EstimatePieces(text.Length));
        try
        {
            AppendPieces(text, ref ids);
            return checked(ids.Count + 2);
        }
        finally
        {
            ids.Dispose();
        }
    }

    /// <summary>Encodes one text as <c>[CLS] pieces [SEP]</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="maxLength">
    /// The most ids to return, special tokens included; longer inputs keep their first <c>maxLength - 2</c> pieces and
    /// still end with <c>[SEP]</c>. Defaults to no limit.
    /// </param>
    /// <returns>The ids and token types (all 0).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is less than 2.</exception>
    public TokenizedText Encode(string text, int maxLength = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        var ids = new PooledBuffer<int>(EstimatePieces(text.Length));
        try
        {
            AppendPieces(text, ref ids);
            int count = ids.Count;
            int keep = Math.Min(count, maxLength - 2);
            var inputIds = new int[keep + 2];
            inputIds[0] = ClsId;
            ids.Span[..keep].CopyTo(inputIds.AsSpan(1));
            inputIds[^1] = SepId;
            return new TokenizedText(inputIds, new int[inputIds.Length], keep < count, checked(count + 2));
        }
        finally
        {
            ids.Dispose();
        }
    }

    /// <summary>Encodes a text pair (query and passage) as <c>[CLS] first [SEP] second [SEP]</c>.</summary>
    /// <param name="first">The first text; its tokens and the first two special tokens get token type 0.</param>
    /// <param name="second">The second text; its tokens and the last <c>[SEP]</c> get token type 1.</param>
    /// <param name="maxLength">
    /// The most ids to return, special tokens included. Longer inputs are cut with the <c>longest_first</c> rule of
    /// Hugging Face's Rust <c>tokenizers</c>. Defaults to no limit.
    /// </param>
    /// <returns>The ids and token types.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="first"/> or <paramref name="second"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is less than 3.</exception>
    public TokenizedText EncodePair(string first, string second, int maxLength = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 3);
        var firstIds = new PooledBuffer<int>(EstimatePieces(first.Length));
        var secondIds = new PooledBuffer<int>(EstimatePieces(second.Length));
        try
        {
            AppendPieces(first, ref firstIds);
            AppendPieces(second, ref secondIds);
            int firstCount = firstIds.Count;
            int secondCount = secondIds.Count;
            (int keepFirst, int keepSecond) = LongestFirst(firstCount, secondCount, maxLength - 3);

            int length = keepFirst + keepSecond + 3;
            var inputIds = new int[length];
            var typeIds = new int[length];
            inputIds[0] = ClsId;
            firstIds.Span[..keepFirst].CopyTo(inputIds.AsSpan(1));
            inputIds[keepFirst + 1] = SepId;
            secondIds.Span[..keepSecond].CopyTo(inputIds.AsSpan(keepFirst + 2));
            inputIds[^1] = SepId;
            typeIds.AsSpan(keepFirst + 2).Fill(1);
            bool truncated = keepFirst < firstCount || keepSecond < secondCount;
            return new TokenizedText(inputIds, typeIds, truncated, checked(firstCount + secondCount + 3));
        }
        finally
        {
            secondIds.Dispose();
            firstIds.Dispose();
        }
    }

    /// <summary>
    /// How many pieces of each sequence to keep so that both fit in <paramref name="budget"/>. This follows
    /// <c>truncate_encodings</c> (<c>TruncationStrategy::LongestFirst</c>) of Hugging Face's Rust <c>tokenizers</c>,
    /// which Python <c>transformers</c>' fast tokenizers use, not the one-at-a-time loop of the old Python tokenizers:
    /// with <c>n1</c> the shorter length, keep <c>n1</c> whole and give the longer one <c>budget - n1</c> when that
    /// fits; otherwise both get <c>budget / 2</c> and the longer one also gets the odd piece. On a tie the first
    /// sequence counts as the shorter one, so the second gets the odd piece.
    /// </summary>
    internal static (int First, int Second) LongestFirst(int firstCount, int secondCount, int budget)
    {
        if ((long)firstCount + secondCount <= budget)
        {
            return (firstCount, secondCount);
        }

        bool swap = firstCount > secondCount;
        long shorter = swap ? secondCount : firstCount;
        long longer;
        if (shorter > budget)
        {
            longer = shorter;
        }
        else
        {
            longer = Math.Max(shorter, budget - shorter);
        }

        if (shorter + longer > budget)
        {
            shorter = budget / 2;
            longer = shorter + (budget % 2);
        }

        (long keepFirst, long keepSecond) = swap ? (longer, shorter) : (shorter, longer);
        return ((int)Math.Min(firstCount, keepFirst), (int)Math.Min(secondCount, keepSecond));
    }

    private static int EstimatePieces(int textLength) => Math.Min((textLength / 4) + 16, 4096);

    private static void AddSpecial(List<KeyValuePair<string, int>> specials, string token, int id)
    {
        foreach (KeyValuePair<string, int> existing in specials)
        {
            if (string.Equals(existing.Key, token, StringComparison.Ordinal))
            {
                return;
            }
        }

        specials.Add(new KeyValuePair<string, int>(token, id));
    }

    private int RequireId(string token, string optionName) => _vocabulary.TryGetId(token, out int id)
        ? id
        : throw new InvalidDataException($"The vocabulary has no token '{token}' (option {optionName}).");
}
