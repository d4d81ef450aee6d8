namespace LlamaDb.Retrieval;

/// <summary>Creates <see cref="ITokenCounter"/>s.</summary>
public static class TokenCounter
{
    /// <summary>
    /// Wraps a tokenizer's count function: <see cref="IPromptTokenCounter.CountTokens"/> calls it on the text, and
    /// <see cref="ITokenCounter.GetTokenSpans"/> splits like BERT's pre-tokenizer and counts each span with it.
    /// </summary>
    /// <param name="countTokens">Counts the tokens of a text, without special tokens.</param>
    /// <returns>The counter.</returns>
    public static ITokenCounter Create(Func<string, int> countTokens)
    {
        ArgumentNullException.ThrowIfNull(countTokens);
        return new DelegateTokenCounter(countTokens);
    }

    private sealed class DelegateTokenCounter(Func<string, int> countTokens) : ITokenCounter
    {
        public int CountTokens(string text)
        {
            ArgumentNullException.ThrowIfNull(text);
            return Math.Max(0, countTokens(text));
        }

        public IReadOnlyList<TokenSpan> GetTokenSpans(string text)
        {
            ArgumentNullException.ThrowIfNull(text);
            var spans = new List<(int Start, int End, PreTokenKind Kind)>();
            PreTokenizer.Split(text, spans);
            var result = new TokenSpan[spans.Count];
            for (int i = 0; i < result.Length; i++)
            {
                (int start, int end, _) = spans[i];
                result[i] = new TokenSpan(start, end, Math.Max(0, countTokens(text[start..end])));
            }

            return result;
        }
    }
}
