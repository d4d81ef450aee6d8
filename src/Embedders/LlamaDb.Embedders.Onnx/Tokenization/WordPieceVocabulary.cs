namespace LlamaDb.Embedders.Onnx.Tokenization;

/// <summary>
/// A WordPiece vocabulary: token strings to ids and back, with span lookups for whole-word pieces and for
/// continuation pieces (keyed without their <c>##</c> prefix) so that tokenizing allocates no strings.
/// </summary>
/// <remarks>Built once, then read-only and safe for concurrent readers.</remarks>
internal sealed class WordPieceVocabulary
{
    /// <summary>Ids above this are rejected as corrupt rather than allocated (vocabularies hold well under a million tokens).</summary>
    private const int MaxId = (1 << 24) - 1;

    private readonly Dictionary<string, int> _tokenToId;
    private readonly Dictionary<string, int> _continuations;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _tokenLookup;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _continuationLookup;
    private readonly string?[] _idToToken;

    private WordPieceVocabulary(Dictionary<string, int> tokenToId, string?[] idToToken, string continuingSubwordPrefix)
    {
        _tokenToId = tokenToId;
        _idToToken = idToToken;
        if (continuingSubwordPrefix.Length == 0)
        {
            _continuations = tokenToId;
        }
        else
        {
            _continuations = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, int> pair in tokenToId)
            {
                if (pair.Key.Length > continuingSubwordPrefix.Length
                    && pair.Key.StartsWith(continuingSubwordPrefix, StringComparison.Ordinal))
                {
                    _continuations[pair.Key[continuingSubwordPrefix.Length..]] = pair.Value;
                }
            }
        }

        _tokenLookup = _tokenToId.GetAlternateLookup<ReadOnlySpan<char>>();
        _continuationLookup = _continuations.GetAlternateLookup<ReadOnlySpan<char>>();
        MaxTokenLength = MaxKeyLength(_tokenToId);
        MaxContinuationLength = MaxKeyLength(_continuations);
    }

    /// <summary>Gets the number of id slots (the largest id plus one).</summary>
    public int Count => _idToToken.Length;

    /// <summary>Gets the length in UTF-16 units of the longest token.</summary>
    public int MaxTokenLength { get; }

    /// <summary>Gets the length in UTF-16 units of the longest continuation piece, prefix excluded.</summary>
    public int MaxContinuationLength { get; }

    /// <summary>
    /// Builds a vocabulary from <c>vocab.txt</c> lines, id = line number. Trailing whitespace is trimmed and a
    /// repeated token keeps its last id, as the Rust <c>tokenizers</c> WordPiece loader does.
    /// </summary>
    public static WordPieceVocabulary FromLines(IReadOnlyList<string> lines, string continuingSubwordPrefix,
        IEnumerable<KeyValuePair<string, int>>? addedTokens = null)
    {
        var tokenToId = new Dictionary<string, int>(lines.Count, StringComparer.Ordinal);
        var idToToken = new List<string?>(lines.Count);
        for (int i = 0; i < lines.Count; i++)
        {
            string token = lines[i].TrimEnd();
            tokenToId[token] = i;
            idToToken.Add(token);
        }

        AddTokens(tokenToId, idToToken, addedTokens);
        return new WordPieceVocabulary(tokenToId, [.. idToToken], continuingSubwordPrefix);
    }

    /// <summary>Builds a vocabulary from a token-to-id map such as <c>tokenizer.json</c>'s <c>model.vocab</c>.</summary>
    public static WordPieceVocabulary FromMap(IEnumerable<KeyValuePair<string, int>> vocabulary,
        string continuingSubwordPrefix, IEnumerable<KeyValuePair<string, int>>? addedTokens = null)
    {
        var tokenToId = new Dictionary<string, int>(StringComparer.Ordinal);
        var idToToken = new List<string?>();
        AddTokens(tokenToId, idToToken, vocabulary);
        AddTokens(tokenToId, idToToken, addedTokens);
        return new WordPieceVocabulary(tokenToId, [.. idToToken], continuingSubwordPrefix);
    }

    public bool TryGetId(ReadOnlySpan<char> token, out int id) => _tokenLookup.TryGetValue(token, out id);

    /// <summary>Looks up a continuation piece given without its prefix.</summary>
    public bool TryGetContinuationId(ReadOnlySpan<char> pieceWithoutPrefix, out int id) =>
        _continuationLookup.TryGetValue(pieceWithoutPrefix, out id);

    public bool TryGetId(string token, out int id) => _tokenToId.TryGetValue(token, out id);

    public string? GetToken(int id) => (uint)id < (uint)_idToToken.Length ? _idToToken[id] : null;

    private static void AddTokens(Dictionary<string, int> tokenToId, List<string?> idToToken,
        IEnumerable<KeyValuePair<string, int>>? tokens)
    {
        if (tokens is null)
        {
            return;
        }

        foreach (KeyValuePair<string, int> pair in tokens)
        {
            if ((uint)pair.Value > MaxId)
            {
                throw new InvalidDataException($"Token '{pair.Key}' has the id {pair.Value}, outside 0..{MaxId}.");
            }

            tokenToId[pair.Key] = pair.Value;
            while (idToToken.Count <= pair.Value)
            {
                idToToken.Add(null);
            }

            idToToken[pair.Value] = pair.Key;
        }
    }

    private static int MaxKeyLength(Dictionary<string, int> dictionary)
    {
        int max = 0;
        foreach (string key in dictionary.Keys)
        {
            max = Math.Max(max, key.Length);
        }

        return max;
    }
}
