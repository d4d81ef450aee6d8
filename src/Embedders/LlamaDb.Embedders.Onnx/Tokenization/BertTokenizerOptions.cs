namespace LlamaDb.Embedders.Onnx.Tokenization;

/// <summary>
/// Settings of a <see cref="BertTokenizer"/>: the flags of Hugging Face's <c>BertNormalizer</c>, the WordPiece
/// parameters and the names of the special tokens.
/// </summary>
/// <remarks>
/// A tokenizer copies these settings when it is created; changing an instance afterwards does not affect
/// tokenizers that were already built from it.
/// </remarks>
public sealed class BertTokenizerOptions
{
    /// <summary>Gets or sets whether text is lowercased (invariant culture). Defaults to <see langword="true"/>.</summary>
    public bool LowerCase { get; set; } = true;

    /// <summary>
    /// Gets or sets whether accents are stripped (canonical decomposition, then removal of non-spacing marks).
    /// Defaults to <see langword="null"/>, which means "the same as <see cref="LowerCase"/>", as in Hugging Face.
    /// </summary>
    public bool? StripAccents { get; set; }

    /// <summary>Gets or sets whether CJK ideographs become words of their own. Defaults to <see langword="true"/>.</summary>
    public bool TokenizeChineseChars { get; set; } = true;

    /// <summary>
    /// Gets or sets whether control and format characters, U+0000 and U+FFFD are removed and every kind of whitespace
    /// becomes a space. Defaults to <see langword="true"/>.
    /// </summary>
    public bool CleanText { get; set; } = true;

    /// <summary>Gets or sets the token used for words that cannot be split into vocabulary pieces. Defaults to <c>[UNK]</c>.</summary>
    public string UnknownToken { get; set; } = "[UNK]";

    /// <summary>Gets or sets the token that starts every sequence. Defaults to <c>[CLS]</c>.</summary>
    public string ClsToken { get; set; } = "[CLS]";

    /// <summary>Gets or sets the token that ends every segment. Defaults to <c>[SEP]</c>.</summary>
    public string SepToken { get; set; } = "[SEP]";

    /// <summary>Gets or sets the padding token. Defaults to <c>[PAD]</c>.</summary>
    public string PadToken { get; set; } = "[PAD]";

    /// <summary>Gets or sets the mask token. Defaults to <c>[MASK]</c>.</summary>
    public string MaskToken { get; set; } = "[MASK]";

    /// <summary>
    /// Gets or sets the longest word, in Unicode scalar values (code points), that WordPiece tries to split; longer
    /// words become a single unknown token. Defaults to 100.
    /// </summary>
    public int MaxInputCharsPerWord { get; set; } = 100;

    /// <summary>Gets or sets the prefix that marks a piece continuing a word. Defaults to <c>##</c>.</summary>
    public string ContinuingSubwordPrefix { get; set; } = "##";

    /// <summary>
    /// Gets or sets whether special tokens written literally in the input (for example <c>[SEP]</c>) are recognized
    /// before normalization and become their ids, as Hugging Face's added-token matching does. When
    /// <see langword="false"/>, such text is tokenized like any other text. Defaults to <see langword="true"/>.
    /// </summary>
    public bool MatchSpecialTokensInText { get; set; } = true;

    /// <summary>
    /// Gets further special tokens that are matched literally in the input (see <see cref="MatchSpecialTokensInText"/>).
    /// Each must exist in the vocabulary. Empty by default.
    /// </summary>
    public IList<string> AdditionalSpecialTokens { get; } = new List<string>();

    /// <summary>Gets whether accents are stripped once <see cref="StripAccents"/> defaults are applied.</summary>
    internal bool EffectiveStripAccents => StripAccents ?? LowerCase;

    /// <summary>Creates a deep copy of these options.</summary>
    /// <returns>A new instance with the same values.</returns>
    public BertTokenizerOptions Clone()
    {
        var clone = new BertTokenizerOptions
        {
            LowerCase = LowerCase,
            StripAccents = StripAccents,
            TokenizeChineseChars = TokenizeChineseChars,
            CleanText = CleanText,
            UnknownToken = UnknownToken,
            ClsToken = ClsToken,
            SepToken = SepToken,
            PadToken = PadToken,
            MaskToken = MaskToken,
            MaxInputCharsPerWord = MaxInputCharsPerWord,
            ContinuingSubwordPrefix = ContinuingSubwordPrefix,
            MatchSpecialTokensInText = MatchSpecialTokensInText,
        };
        foreach (string token in AdditionalSpecialTokens)
        {
            clone.AdditionalSpecialTokens.Add(token);
        }

        return clone;
    }

    /// <summary>Throws when a setting is out of range.</summary>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(UnknownToken, nameof(UnknownToken));
        ArgumentException.ThrowIfNullOrEmpty(ClsToken, nameof(ClsToken));
        ArgumentException.ThrowIfNullOrEmpty(SepToken, nameof(SepToken));
        ArgumentException.ThrowIfNullOrEmpty(PadToken, nameof(PadToken));
        ArgumentException.ThrowIfNullOrEmpty(MaskToken, nameof(MaskToken));
        ArgumentNullException.ThrowIfNull(ContinuingSubwordPrefix, nameof(ContinuingSubwordPrefix));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxInputCharsPerWord, nameof(MaxInputCharsPerWord));
        for (int i = 0; i < AdditionalSpecialTokens.Count; i++)
        {
            if (string.IsNullOrEmpty(AdditionalSpecialTokens[i]))
            {
                throw new ArgumentException(
                    $"AdditionalSpecialTokens[{i}] is null or empty.", nameof(AdditionalSpecialTokens));
            }
        }
    }
}
