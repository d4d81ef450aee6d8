using System.Collections.Frozen;

namespace LlamaDb.Connectors.Hnsw.FullText;

/// <summary>
/// The 33 English stop words of Lucene's classic <c>EnglishAnalyzer</c> (<c>ENGLISH_STOP_WORDS_SET</c>), which is
/// also what Anserini's default English analyzer drops.
/// </summary>
internal static class EnglishStopWords
{
    /// <summary>Gets the stop words, lowercase.</summary>
    public static FrozenSet<string> Set { get; } = FrozenSet.Create(
        StringComparer.Ordinal,
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
        "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was",
        "will", "with");
}
