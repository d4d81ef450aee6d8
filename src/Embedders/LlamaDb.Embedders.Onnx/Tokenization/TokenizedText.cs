namespace LlamaDb.Embedders.Onnx.Tokenization;

/// <summary>The model inputs produced by <see cref="BertTokenizer"/> for one text or one text pair.</summary>
public sealed class TokenizedText
{
    internal TokenizedText(int[] inputIds, int[] tokenTypeIds, bool truncated, int untruncatedLength)
    {
        InputIds = inputIds;
        TokenTypeIds = tokenTypeIds;
        Truncated = truncated;
        UntruncatedLength = untruncatedLength;
    }

    /// <summary>Gets the token ids, starting with <c>[CLS]</c> and ending with <c>[SEP]</c>.</summary>
    public int[] InputIds { get; }

    /// <summary>Gets the segment id of every token: 0 for the first text and its separators, 1 for the second text of a pair.</summary>
    public int[] TokenTypeIds { get; }

    /// <summary>Gets the number of tokens, the length of <see cref="InputIds"/>.</summary>
    public int Length => InputIds.Length;

    /// <summary>Gets whether word pieces were dropped to respect the maximum length.</summary>
    public bool Truncated { get; }

    /// <summary>Gets the number of tokens, special tokens included, that the input would have produced without truncation.</summary>
    public int UntruncatedLength { get; }
}
