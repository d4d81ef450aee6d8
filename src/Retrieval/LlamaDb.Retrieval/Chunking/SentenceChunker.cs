namespace LlamaDb.Retrieval;

/// <summary>
/// Packs whole sentences into chunks up to the token limit; a sentence longer than the limit is cut between words (and,
/// failing that, between token spans).
/// </summary>
public sealed class SentenceChunker : IChunker
{
    private static readonly SplitLevel[] s_levels = [SplitLevel.Sentence, SplitLevel.Word];
    private readonly ChunkerOptions _options;

    /// <summary>Creates the chunker.</summary>
    /// <param name="options">The options; defaults when null.</param>
    public SentenceChunker(ChunkerOptions? options = null)
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
