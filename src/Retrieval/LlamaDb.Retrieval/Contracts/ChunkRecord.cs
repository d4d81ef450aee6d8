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

    /// <summary>Gets or sets the hash of the whole document's content and the ingestion configuration fingerprint (re-ingestion skips documents whose content and configuration are unchanged).</summary>
    public string ContentHash { get; set; } = string.Empty;

    /// <summary>Gets the text to embed (the chunk text).</summary>
    public string Embedding => Text;
}

/// <summary>Builds the <see cref="VectorStoreCollectionDefinition"/> of <see cref="ChunkRecord"/> for a model's dimensions.</summary>
public static class ChunkRecordDefinition
{
    /// <summary>Creates the definition.</summary>
    /// <param name="dimensions">The embedding model's dimensions.</param>
    /// <param name="distanceFunction">
    /// The distance function: <see cref="DistanceFunction.CosineSimilarity"/> (the default) or
    /// <see cref="DistanceFunction.DotProductSimilarity"/>. Only similarities are allowed because <see cref="Retriever"/>
    /// treats scores as higher-is-better (minimum scores, MMR, fusion); distances would invert them.
    /// </param>
    /// <param name="indexKind">The index kind; HNSW by default.</param>
    /// <returns>A definition with key <c>Id</c>, indexed <c>DocumentId</c>/<c>Source</c>, full-text <c>Text</c> and the <c>Embedding</c> vector.</returns>
    /// <exception cref="ArgumentException"><paramref name="distanceFunction"/> is not a similarity.</exception>
    public static VectorStoreCollectionDefinition Create(int dimensions, string distanceFunction = DistanceFunction.CosineSimilarity, string indexKind = IndexKind.Hnsw)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        if (distanceFunction is not (DistanceFunction.CosineSimilarity or DistanceFunction.DotProductSimilarity))
        {
            throw new ArgumentException(
                $"The distance function '{distanceFunction}' is not supported for chunks: the retriever needs higher-is-better scores. Use {DistanceFunction.CosineSimilarity} or {DistanceFunction.DotProductSimilarity}.",
                nameof(distanceFunction));
        }

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
