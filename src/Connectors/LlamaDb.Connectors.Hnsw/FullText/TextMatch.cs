namespace LlamaDb.Connectors.Hnsw.FullText;

/// <summary>A document found by a full-text search.</summary>
/// <param name="DocId">The document id.</param>
/// <param name="Score">The BM25 score; higher is better.</param>
internal readonly record struct TextMatch(int DocId, float Score);
