using Markdig.Extensions.Tables;
using Markdig.Syntax;

namespace LlamaDb.Retrieval;

/// <summary>
/// Chunks Markdown by its structure (offsets index the Markdown source, see <see cref="MarkdownDocumentLoader"/>): headings
/// start a new chunk and set the heading path (<c>"Guide &gt; Install &gt; Linux"</c>); the top-level blocks of a section
/// (paragraphs, lists, quotes, code blocks, tables) are packed into chunks up to the token limit. A fenced or indented code
/// block or a table is never cut unless it alone is over the limit, then between lines; any other block over the limit
/// is cut like <see cref="RecursiveChunker"/> does.
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
        var pieces = new List<(int Start, int End)>();
        for (int b = 0; b < starts.Count; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int start = b == 0 ? 0 : starts[b].Start;
            int end = b + 1 < starts.Count ? starts[b + 1].Start : text.Length;
            Block block = starts[b].Block;
            if (block is HeadingBlock heading)
            {
                Flush();
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
                continue;
            }

            Flush();
            if (splitter.Count(text, start, end) <= _options.MaxTokens)
            {
                currentStart = start;
                currentEnd = end;
                continue;
            }

            pieces.Clear();
            bool atomic = block is CodeBlock or Table;
            splitter.Split(text, start, end, atomic ? s_codeLevels : s_textLevels, pieces, cancellationToken);
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
        }
    }
}
