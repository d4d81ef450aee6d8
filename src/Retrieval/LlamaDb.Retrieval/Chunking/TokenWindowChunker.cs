namespace LlamaDb.Retrieval;

/// <summary>
/// Fixed windows of up to <see cref="ChunkerOptions.MaxTokens"/> tokens that share <see cref="ChunkerOptions.OverlapTokens"/>
/// tokens with the previous window; windows start and end between token spans (words and punctuation marks), so a word is
/// never cut unless it alone is longer than the limit.
/// </summary>
public sealed class TokenWindowChunker : IChunker
{
    private readonly ChunkerOptions _options;

    /// <summary>Creates the chunker.</summary>
    /// <param name="options">The options; defaults when null.</param>
    public TokenWindowChunker(ChunkerOptions? options = null)
    {
        _options = (options ?? new ChunkerOptions()).Validated(usesOverlap: true);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Chunk>> ChunkAsync(Document document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        string text = document.Text;
        int max = _options.MaxTokens;
        var splitter = new TextSplitter(_options.TokenCounter, max);

        // Units: the counter's spans, with any span over the limit cut into pieces that fit.
        var units = new List<TokenSpan>();
        foreach (TokenSpan span in _options.TokenCounter.GetTokenSpans(text))
        {
            if (span.TokenCount <= max)
            {
                units.Add(span);
                continue;
            }

            var pieces = new List<(int Start, int End)>();
            splitter.SplitByCharacters(text, span.Start, span.End, pieces);
            foreach ((int start, int end) in pieces)
            {
                units.Add(new TokenSpan(start, end, splitter.Count(text, start, end)));
            }
        }

        var ranges = new List<(int Start, int End, string? HeadingPath)>();
        int first = 0;
        while (first < units.Count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int last = first;
            int tokens = units[first].TokenCount;
            while (last + 1 < units.Count && tokens + units[last + 1].TokenCount <= max)
            {
                last++;
                tokens += units[last].TokenCount;
            }

            // The window's real count can differ from the sum of its spans under some tokenizers: shrink until it fits.
            while (last > first && splitter.Count(text, units[first].Start, units[last].End) > max)
            {
                last--;
            }

            ranges.Add((units[first].Start, units[last].End, null));
            if (last == units.Count - 1)
            {
                break;
            }

            // The next window starts as far back as the overlap allows, but always after this window's start.
            int next = last + 1;
            int overlap = 0;
            while (next - 1 > first && overlap + units[next - 1].TokenCount <= _options.OverlapTokens)
            {
                next--;
                overlap += units[next].TokenCount;
            }

            first = next;
        }

        return Task.FromResult<IReadOnlyList<Chunk>>(TextSplitter.ToChunks(document, ranges, _options.TokenCounter));
    }
}
