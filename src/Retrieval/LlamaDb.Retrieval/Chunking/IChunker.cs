namespace LlamaDb.Retrieval;

/// <summary>
/// Splits a document into chunks. Every chunker guarantees: chunks are in document order with indexes 0, 1, ...; each
/// chunk's text is <c>document.Text[StartOffset..EndOffset]</c>, non-empty, without leading or trailing whitespace; every
/// non-whitespace character is in some chunk; and no chunk has more than the configured maximum tokens.
/// </summary>
public interface IChunker
{
    /// <summary>Chunks a document.</summary>
    /// <param name="document">The document.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The chunks, in document order.</returns>
    Task<IReadOnlyList<Chunk>> ChunkAsync(Document document, CancellationToken cancellationToken = default);
}
