namespace LlamaDb.Retrieval;

/// <summary>A numbered source offered to the model; when the answer cites it as <c>[Number]</c>, also a citation.</summary>
/// <param name="Number">The source number the prompt gave it (1-based), as cited in the answer.</param>
/// <param name="ChunkId">The chunk id.</param>
/// <param name="DocumentId">The document id.</param>
/// <param name="Source">The document's source (path or URL).</param>
/// <param name="Text">The chunk text.</param>
public sealed record RagCitation(int Number, string ChunkId, string DocumentId, string Source, string Text)
{
    /// <summary>Gets the document title.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the heading path of the chunk, where the document has headings.</summary>
    public string? HeadingPath { get; init; }

    /// <summary>Gets the start character offset of the chunk in the document.</summary>
    public int StartOffset { get; init; }

    /// <summary>Gets the end character offset (exclusive).</summary>
    public int EndOffset { get; init; }

    /// <summary>Gets the retrieval score.</summary>
    public double Score { get; init; }

    /// <summary>Creates the source numbered <paramref name="number"/> from a retrieved chunk.</summary>
    /// <param name="number">The 1-based number.</param>
    /// <param name="chunk">The chunk.</param>
    /// <returns>The citation.</returns>
    public static RagCitation From(int number, RetrievedChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return new RagCitation(number, chunk.ChunkId, chunk.DocumentId, chunk.Source, chunk.Text)
        {
            Title = chunk.Title,
            HeadingPath = chunk.HeadingPath,
            StartOffset = chunk.StartOffset,
            EndOffset = chunk.EndOffset,
            Score = chunk.Score,
        };
    }
}
