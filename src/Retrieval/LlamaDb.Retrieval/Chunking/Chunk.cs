namespace LlamaDb.Retrieval;

/// <summary>A piece of a document: exactly <c>document.Text[StartOffset..EndOffset]</c>.</summary>
/// <param name="DocumentId">The document id.</param>
/// <param name="Index">The chunk's position in the document (0-based).</param>
/// <param name="StartOffset">The start character offset in <see cref="Document.Text"/>.</param>
/// <param name="EndOffset">The end character offset (exclusive).</param>
/// <param name="Text">The chunk text.</param>
/// <param name="TokenCount">The token count under the chunker's <see cref="ITokenCounter"/>.</param>
public sealed record Chunk(string DocumentId, int Index, int StartOffset, int EndOffset, string Text, int TokenCount)
{
    /// <summary>Gets the heading path (e.g. <c>"Install &gt; Linux"</c>), where the format has headings.</summary>
    public string? HeadingPath { get; init; }

    /// <summary>Gets the chunk id: <c>{DocumentId}#{Index}</c>.</summary>
    public string Id => $"{DocumentId}#{Index}";
}
