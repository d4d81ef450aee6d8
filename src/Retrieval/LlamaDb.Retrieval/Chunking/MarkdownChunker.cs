using Markdig.Extensions.Tables;
using Markdig.Syntax;

namespace LlamaDb.Retrieval;

/// <summary>
/// Chunks Markdown by its structure (offsets index the Markdown source, see <see cref="MarkdownDocumentLoader"/>): headings
/// start a new chunk and set the heading path (<c>"Guide &gt; Install &gt; Linux"</c>); the top-level blocks of a section
/// (paragraphs, lists, quotes, code blocks, tables) are packed into chunks up to the token limit. A fenced or indented code
/// block or a table is never cut unless it alone is over the limit, then between lines; any other block over the limit
/// is cut like <see cref="RecursiveChunker"/> does. A heading always shares its chunk with what follows it (the first piece
/// of a block that has to be cut); only a heading with nothing after it, or one too long to share, stands alone.
/// </summary>
public sealed class MarkdownChunker : IChunker
{
    /// <summary>The separator between heading levels in <see cref="Chunk.HeadingPath"/>.</summary>
    public const string HeadingSeparator = " > ";

    private static readonly SplitLevel[] s_textLevels = [SplitLevel.Paragraph, SplitLevel.Line, SplitLevel.Sentence, SplitLevel.Word];
    private static readonly SplitLevel[] s_codeLevels = [SplitLevel.Line, SplitLevel.Word];
    private readonly ChunkerOptions _options;

    /// <summary>Creates the chunker.</summary>
    /// <param name="options">The options; defaults when null.</param>
    public MarkdownChunker(ChunkerOptions? options = null)
    {
        _options = (options ?? new ChunkerOptions()).Validated(usesOverlap: false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Chunk>> ChunkAsync(Document document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        string text = document.Text;
        var splitter = new TextSplitter(_options.TokenCounter, _options.MaxTokens);
        MarkdownDocument parsed = MarkdownSyntax.Parse(text);

        // Top-level blocks partition the text: block i runs from its start to the next block's start.
        var starts = new List<(int Start, Block Block)>();
        foreach (Block block in parsed)
        {
            int start = Math.Clamp(block.Span.Start, 0, text.Length);
            if (starts.Count == 0 || start > starts[^1].Start)
            {
                starts.Add((start, block));
            }
        }

        var ranges = new List<(int Start, int End, string? HeadingPath)>();
        var headings = new List<(int Level, string Text)>();
        string? path = null;
        int currentStart = -1;
        int currentEnd = -1;
        bool headingOnly = false; // the current range holds headings and nothing else
        var pieces = new List<(int Start, int End)>();
        for (int b = 0; b < starts.Count; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int start = b == 0 ? 0 : starts[b].Start;
            int end = b + 1 < starts.Count ? starts[b + 1].Start : text.Length;
            Block block = starts[b].Block;
            if (block is HeadingBlock heading)
            {
                if (!headingOnly)
                {
                    Flush();
                }

                while (headings.Count > 0 && headings[^1].Level >= heading.Level)
                {
                    headings.RemoveAt(headings.Count - 1);
                }

                headings.Add((heading.Level, MarkdownSyntax.PlainText(heading.Inline)));
                path = string.Join(HeadingSeparator, headings.Select(h => h.Text));
            }

            if (currentStart >= 0 && splitter.Count(text, currentStart, end) <= _options.MaxTokens)
            {
                currentEnd = end;
                headingOnly &= block is HeadingBlock;
                continue;
            }

            ReadOnlySpan<SplitLevel> levels = block is CodeBlock or Table ? s_codeLevels : s_textLevels;
            if (headingOnly && block is not HeadingBlock)
            {
                // The pending headings do not fit with the whole block: they go with its first piece.
                AddWithHeading(currentStart, start, end, levels);
                currentStart = -1;
                headingOnly = false;
                continue;
            }

            Flush();
            if (splitter.Count(text, start, end) <= _options.MaxTokens)
            {
                currentStart = start;
                currentEnd = end;
                headingOnly = block is HeadingBlock;
                continue;
            }

            pieces.Clear();
            splitter.Split(text, start, end, levels, pieces, cancellationToken);
            foreach ((int pieceStart, int pieceEnd) in pieces)
            {
                ranges.Add((pieceStart, pieceEnd, path));
            }
        }

        Flush();
        if (starts.Count == 0 && text.Length > 0)
        {
            // Nothing Markdig calls a block (whitespace only): nothing to chunk, but keep the guarantee cheap to check.
            splitter.Split(text, 0, text.Length, s_textLevels, pieces, cancellationToken);
            foreach ((int pieceStart, int pieceEnd) in pieces)
            {
                ranges.Add((pieceStart, pieceEnd, null));
            }
        }

        return Task.FromResult<IReadOnlyList<Chunk>>(TextSplitter.ToChunks(document, ranges, _options.TokenCounter));

        void Flush()
        {
            if (currentStart >= 0)
            {
                ranges.Add((currentStart, currentEnd, path));
                currentStart = -1;
            }

            headingOnly = false;
        }

        // Cuts [start, end) and prepends the headings [headingStart, start) to its first piece; if they do not fit with it,
        // that piece is cut again with the tokens the headings leave. Every range stays within the limit.
        void AddWithHeading(int headingStart, int start, int end, ReadOnlySpan<SplitLevel> levels)
        {
            pieces.Clear();
            splitter.Split(text, start, end, levels, pieces, cancellationToken);
            int firstEnd = pieces[0].End; // the block is not empty, so there is a first piece
            int next = 1;
            int rest = -1; // the part of the first piece left after a smaller first cut
            if (splitter.Count(text, headingStart, firstEnd) > _options.MaxTokens)
            {
                int headingTokens = splitter.Count(text, headingStart, start);
                int smallerEnd = -1;
                if (headingTokens < _options.MaxTokens)
                {
                    var smaller = new List<(int Start, int End)>();
                    new TextSplitter(_options.TokenCounter, _options.MaxTokens - headingTokens).Split(text, start, firstEnd, levels, smaller, cancellationToken);
                    smallerEnd = smaller[0].End;
                }

                if (smallerEnd < 0 || splitter.Count(text, headingStart, smallerEnd) > _options.MaxTokens)
                {
                    // The headings alone fill the limit (or the counter is not additive): they stand alone.
                    ranges.Add((headingStart, start, path));
                    next = 0;
                }
                else
                {
                    ranges.Add((headingStart, smallerEnd, path));
                    rest = smallerEnd;
                }
            }
            else
            {
                ranges.Add((headingStart, firstEnd, path));
            }

            if (rest >= 0)
            {
                // Re-cut what is left of the block so the rest packs as well as it would have without the headings.
                pieces.Clear();
                splitter.Split(text, rest, end, levels, pieces, cancellationToken);
                next = 0;
            }

            for (int p = next; p < pieces.Count; p++)
            {
                ranges.Add((pieces[p].Start, pieces[p].End, path));
            }
        }
    }
}
