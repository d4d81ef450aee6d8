namespace LlamaDb.Retrieval;

/// <summary>A run of text a chunker may cut before or after (a word or a punctuation mark) and how many tokens it holds.</summary>
/// <param name="Start">The start character offset.</param>
/// <param name="End">The end character offset (exclusive).</param>
/// <param name="TokenCount">The tokens in the span.</param>
public readonly record struct TokenSpan(int Start, int End, int TokenCount);
