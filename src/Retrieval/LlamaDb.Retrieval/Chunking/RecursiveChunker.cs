namespace LlamaDb.Retrieval;

/// <summary>
/// Cuts at the coarsest boundary that keeps chunks within the token limit: paragraphs (blank lines), then lines, then
/// sentences, then words, then token spans; neighbouring pieces are packed into a chunk while they fit.
/// </summary>
public sealed class RecursiveChunker : IChunker
{
    private static readonly SplitLevel[] s_levels = [SplitLevel.Paragraph, SplitLevel.Line, SplitLevel.Sentence, SplitLevel.Word];
    private readonly ChunkerOptions _options;

    /// <summary>Creates the chunker.</summary>
    /// <param name="options">The options; defaults when null.</param>
    public RecursiveChunker(ChunkerOptions? options = null)
    {
        _options = (options ?? new ChunkerOptions()).Validated(usesOverlap: false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Chunk>> ChunkAsync(Document document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var splitter = new TextSplitter(_options.TokenCounter, _options.MaxTokens);
        var ranges = new List<(int Start, int End)>();
        splitter.Split(document.Text, 0, document.Text.Length, s_levels, ranges, cancellationToken);
        return Task.FromResult<IReadOnlyList<Chunk>>(TextSplitter.ToChunks(document, TextSplitter.WithoutHeadings(ranges), _options.TokenCounter));
    }
}
