using LlamaDb.VectorData;

namespace LlamaDb.Retrieval;

/// <summary>
/// One stored chunk: what ingestion writes and retrieval reads. The vector property <see cref="Embedding"/> is the
/// chunk text itself (a <see langword="string"/> vector property), so the collection's embedding generator embeds it
/// on upsert and embeds query strings on search. Use <see cref="ChunkRecordDefinition.Create"/> for the definition, since
/// the vector's dimensions depend on the model.
/// </summary>
public sealed class ChunkRecord
{
    /// <summary>Gets or sets the chunk id: <c>{DocumentId}#{ChunkIndex}</c>.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Gets or sets the id of the document the chunk came from (indexed, for filters and deletes).</summary>
    public string DocumentId { get; set; } = string.Empty;

    /// <summary>Gets or sets the position of the chunk in its document (0-based).</summary>
    public int ChunkIndex { get; set; }

    /// <summary>Gets or sets the chunk text: exactly the document text from <see cref="StartOffset"/> to <see cref="EndOffset"/> (full-text indexed).</summary>
    public string Text { get; set; } = string.Empty;

    /// <summary>Gets or sets the document's source (path or URL; indexed).</summary>
    public string Source { get; set; } = string.Empty;

    /// <summary>Gets or sets the document title.</summary>
    public string? Title { get; set; }

    /// <summary>Gets or sets the heading path, e.g. <c>"Install &gt; Linux"</c>, where the format has headings.</summary>
    public string? HeadingPath { get; set; }

    /// <summary>Gets or sets the start character offset of the chunk in the document text.</summary>
    public int StartOffset { get; set; }

    /// <summary>Gets or sets the end character offset (exclusive).</summary>
    public int EndOffset { get; set; }

    /// <summary>Gets or sets the chunk's token count under the embedder's tokenizer (or an estimate).</summary>
    public int TokenCount { get; set; }

    /// <summary>Gets or sets the content hash of the whole document (re-ingestion skips unchanged documents).</summary>
    public string ContentHash { get; set; } = string.Empty;

    /// <summary>Gets the text to embed (the chunk text).</summary>
    public string Embedding => Text;
}

/// <summary>Builds the <see cref="VectorStoreCollectionDefinition"/> of <see cref="ChunkRecord"/> for a model's dimensions.</summary>
public static class ChunkRecordDefinition
{
    /// <summary>Creates the definition.</summary>
    /// <param name="dimensions">The embedding model's dimensions.</param>
    /// <param name="distanceFunction">The distance function; cosine similarity by default.</param>
    /// <param name="indexKind">The index kind; HNSW by default.</param>
    /// <returns>A definition with key <c>Id</c>, indexed <c>DocumentId</c>/<c>Source</c>, full-text <c>Text</c> and the <c>Embedding</c> vector.</returns>
    public static VectorStoreCollectionDefinition Create(int dimensions, string distanceFunction = DistanceFunction.CosineSimilarity, string indexKind = IndexKind.Hnsw)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        return new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty(nameof(ChunkRecord.Id), typeof(string)),
                new VectorStoreDataProperty(nameof(ChunkRecord.DocumentId), typeof(string)) { IsIndexed = true },
                new VectorStoreDataProperty(nameof(ChunkRecord.ChunkIndex), typeof(int)),
                new VectorStoreDataProperty(nameof(ChunkRecord.Text), typeof(string)) { IsFullTextIndexed = true },
                new VectorStoreDataProperty(nameof(ChunkRecord.Source), typeof(string)) { IsIndexed = true },
                new VectorStoreDataProperty(nameof(ChunkRecord.Title), typeof(string)),
                new VectorStoreDataProperty(nameof(ChunkRecord.HeadingPath), typeof(string)),
                new VectorStoreDataProperty(nameof(ChunkRecord.StartOffset), typeof(int)),
                new VectorStoreDataProperty(nameof(ChunkRecord.EndOffset), typeof(int)),
                new VectorStoreDataProperty(nameof(ChunkRecord.TokenCount), typeof(int)),
                new VectorStoreDataProperty(nameof(ChunkRecord.ContentHash), typeof(string)),
                new VectorStoreVectorProperty(nameof(ChunkRecord.Embedding), typeof(string), dimensions) { DistanceFunction = distanceFunction, IndexKind = indexKind },
            ],
        };
    }
}
