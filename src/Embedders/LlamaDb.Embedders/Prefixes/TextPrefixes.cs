namespace LlamaDb.Embedders;

/// <summary>
/// The text prefixes a local embedding model expects for each <c>input_type</c>. A <see langword="null"/> prefix means
/// the model has no convention for that input type (asking for it is an error); an empty prefix means "no prefix".
/// </summary>
public sealed class TextPrefixes
{
    /// <summary>Gets the E5 prefixes (intfloat/e5-*, multilingual-e5-*): <c>"query: "</c> and <c>"passage: "</c>; classification and clustering use <c>"query: "</c> as the E5 authors advise for non-retrieval tasks.</summary>
    public static TextPrefixes E5 { get; } = new()
    {
        Query = "query: ",
        Document = "passage: ",
        Classification = "query: ",
        Clustering = "query: ",
    };

    /// <summary>Gets the BGE English v1.5 prefixes: the query instruction <c>"Represent this sentence for searching relevant passages: "</c>; documents, classification and clustering texts get none.</summary>
    public static TextPrefixes Bge { get; } = new()
    {
        Query = "Represent this sentence for searching relevant passages: ",
        Document = string.Empty,
        Classification = string.Empty,
        Clustering = string.Empty,
    };

    /// <summary>Gets the nomic-embed-text prefixes: <c>"search_query: "</c>, <c>"search_document: "</c>, <c>"classification: "</c>, <c>"clustering: "</c>.</summary>
    public static TextPrefixes Nomic { get; } = new()
    {
        Query = "search_query: ",
        Document = "search_document: ",
        Classification = "classification: ",
        Clustering = "clustering: ",
    };

    /// <summary>Gets the prefix for <c>search_query</c> inputs.</summary>
    public string? Query { get; init; }

    /// <summary>Gets the prefix for <c>search_document</c> inputs.</summary>
    public string? Document { get; init; }

    /// <summary>Gets the prefix for <c>classification</c> inputs.</summary>
    public string? Classification { get; init; }

    /// <summary>Gets the prefix for <c>clustering</c> inputs.</summary>
    public string? Clustering { get; init; }

    /// <summary>Returns the prefix for <paramref name="inputType"/>.</summary>
    /// <param name="inputType">An input type or alias accepted by <see cref="EmbeddingInputTypes.Normalize(string, string?)"/>.</param>
    /// <returns>The prefix (possibly empty).</returns>
    /// <exception cref="ArgumentException"><paramref name="inputType"/> is not an input type.</exception>
    /// <exception cref="NotSupportedException"><paramref name="inputType"/> has no prefix for this model.</exception>
    public string GetPrefix(string inputType)
    {
        ArgumentNullException.ThrowIfNull(inputType);
        string? prefix = EmbeddingInputTypes.Normalize(inputType) switch
        {
            EmbeddingInputTypes.SearchQuery => Query,
            EmbeddingInputTypes.SearchDocument => Document,
            EmbeddingInputTypes.Classification => Classification,
            EmbeddingInputTypes.Clustering => Clustering,
            _ => null,
        };
        return prefix ?? throw new NotSupportedException(
            $"input_type '{inputType}' has no text prefix for this model; supported: {string.Join(", ", Supported())}.");
    }

    /// <summary>Puts <paramref name="prefix"/> before <paramref name="text"/> unless the text already starts with it (ordinal), so a prefix is never doubled.</summary>
    /// <param name="prefix">The prefix; nothing is added when <see langword="null"/> or empty.</param>
    /// <param name="text">The text.</param>
    /// <returns>The prefixed text.</returns>
    public static string Apply(string? prefix, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.IsNullOrEmpty(prefix) || text.StartsWith(prefix, StringComparison.Ordinal) ? text : prefix + text;
    }

    private IEnumerable<string> Supported()
    {
        if (Query is not null)
        {
            yield return EmbeddingInputTypes.SearchQuery;
        }

        if (Document is not null)
        {
            yield return EmbeddingInputTypes.SearchDocument;
        }

        if (Classification is not null)
        {
            yield return EmbeddingInputTypes.Classification;
        }

        if (Clustering is not null)
        {
            yield return EmbeddingInputTypes.Clustering;
        }
    }
}
