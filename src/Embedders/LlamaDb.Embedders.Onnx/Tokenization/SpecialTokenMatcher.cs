using System.Buffers;

namespace LlamaDb.Embedders.Onnx.Tokenization;

/// <summary>
/// Finds special tokens written literally in raw text, leftmost match first and the longest token at that position,
/// as the Aho-Corasick <c>LeftmostLongest</c> matcher of Hugging Face's added vocabulary does.
/// </summary>
internal sealed class SpecialTokenMatcher
{
    private readonly string[] _tokens;
    private readonly int[] _ids;
    private readonly SearchValues<string> _searchValues;

    /// <param name="tokens">Distinct, non-empty tokens with their ids.</param>
    public SpecialTokenMatcher(IReadOnlyList<KeyValuePair<string, int>> tokens)
    {
        var sorted = new KeyValuePair<string, int>[tokens.Count];
        for (int i = 0; i < sorted.Length; i++)
        {
            sorted[i] = tokens[i];
        }

        // Longest first, so the first token that matches at a position is the longest one there.
        Array.Sort(sorted, static (a, b) => b.Key.Length.CompareTo(a.Key.Length));
        _tokens = new string[sorted.Length];
        _ids = new int[sorted.Length];
        for (int i = 0; i < sorted.Length; i++)
        {
            _tokens[i] = sorted[i].Key;
            _ids[i] = sorted[i].Value;
        }

        _searchValues = SearchValues.Create(_tokens, StringComparison.Ordinal);
    }

    /// <summary>Finds the leftmost special token in <paramref name="text"/>.</summary>
    /// <returns>Its index, or -1 when there is none.</returns>
    public int Find(ReadOnlySpan<char> text, out int length, out int id)
    {
        int index = text.IndexOfAny(_searchValues);
        if (index >= 0)
        {
            ReadOnlySpan<char> rest = text[index..];
            for (int i = 0; i < _tokens.Length; i++)
            {
                if (rest.StartsWith(_tokens[i], StringComparison.Ordinal))
                {
                    length = _tokens[i].Length;
                    id = _ids[i];
                    return index;
                }
            }
        }

        length = 0;
        id = -1;
        return -1;
    }
}
