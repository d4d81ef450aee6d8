namespace LlamaDb.Connectors.Hnsw.FullText;

/// <summary>One entry of a term's postings: a document and how often the term occurs in it (0 marks a removed entry).</summary>
/// <param name="DocId">The document id.</param>
/// <param name="Tf">The term frequency, or 0 when the entry is dead.</param>
internal readonly record struct Posting(int DocId, int Tf);
