namespace LlamaDb.Retrieval;

/// <summary>
/// The engine behind the chunkers: cuts a range of text into consecutive ranges of at most <c>maxTokens</c> tokens, at the
/// coarsest <see cref="SplitLevel"/> that works, packing neighbouring pieces greedily; a piece no level can cut small
/// enough is cut between token spans, and a span that is itself too long between characters (never inside a surrogate pair).
/// The output ranges partition the input range exactly.
/// </summary>
internal sealed class TextSplitter(ITokenCounter counter, int maxTokens)
{
    public ITokenCounter Counter { get; } = counter;

    public int MaxTokens { get; } = maxTokens;

    public int Count(string text, int start, int end) => start >= end ? 0 : Counter.CountTokens(text[start..end]);

    /// <summary>Cuts [start, end) into ranges of at most <see cref="MaxTokens"/> tokens, appended to <paramref name="output"/>.</summary>
    public void Split(string text, int start, int end, ReadOnlySpan<SplitLevel> levels, List<(int Start, int End)> output, CancellationToken cancellationToken)
    {
        if (start >= end)
        {
            return;
        }

        if (Count(text, start, end) <= MaxTokens)
        {
            output.Add((start, end));
            return;
        }

        if (levels.IsEmpty)
        {
            SplitBySpans(text, start, end, output);
            return;
        }

        List<int> cuts = Cuts(text, start, end, levels[0]);
        if (cuts.Count == 0)
        {
            Split(text, start, end, levels[1..], output, cancellationToken);
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        int currentStart = -1;
        int pieceStart = start;
        for (int c = 0; c <= cuts.Count; c++)
        {
            int pieceEnd = c < cuts.Count ? cuts[c] : end;
            if (currentStart >= 0 && Count(text, currentStart, pieceEnd) <= MaxTokens)
            {
                pieceStart = pieceEnd;
                continue;
            }

            if (currentStart >= 0)
            {
                output.Add((currentStart, pieceStart));
                currentStart = -1;
            }

            if (Count(text, pieceStart, pieceEnd) <= MaxTokens)
            {
                currentStart = pieceStart;
            }
            else
            {
                Split(text, pieceStart, pieceEnd, levels[1..], output, cancellationToken);
            }

            pieceStart = pieceEnd;
        }

        if (currentStart >= 0)
        {
            output.Add((currentStart, end));
        }
    }

    /// <summary>Packs token spans greedily; a span over the limit is cut between characters.</summary>
    public void SplitBySpans(string text, int start, int end, List<(int Start, int End)> output)
    {
        IReadOnlyList<TokenSpan> spans = Counter.GetTokenSpans(text[start..end]);
        int chunkStart = start;
        int tokens = 0;
        foreach (TokenSpan local in spans)
        {
            var span = new TokenSpan(local.Start + start, local.End + start, local.TokenCount);
            if (tokens > 0 && tokens + span.TokenCount > MaxTokens)
            {
                EmitVerified(text, chunkStart, span.Start, output);
                chunkStart = span.Start;
                tokens = 0;
            }

            if (span.TokenCount > MaxTokens)
            {
                if (chunkStart < span.Start)
                {
                    EmitVerified(text, chunkStart, span.Start, output);
                }

                SplitByCharacters(text, span.Start, span.End, output);
                chunkStart = span.End;
                tokens = 0;
            }
            else
            {
                tokens += span.TokenCount;
            }

        }

        if (chunkStart < end)
        {
            EmitVerified(text, chunkStart, end, output);
        }
    }

    /// <summary>Emits [start, end) if it fits; otherwise (a counter whose span counts do not add up) cuts it by characters.</summary>
    private void EmitVerified(string text, int start, int end, List<(int Start, int End)> output)
    {
        if (Count(text, start, end) <= MaxTokens)
        {
            output.Add((start, end));
        }
        else
        {
            SplitByCharacters(text, start, end, output);
        }
    }

    /// <summary>Cuts [start, end) into the longest prefixes that fit, found by binary search on character positions.</summary>
    public void SplitByCharacters(string text, int start, int end, List<(int Start, int End)> output)
    {
        int position = start;
        while (position < end)
        {
            int low = NextBoundary(text, position, end);
            int high = end;
            if (Count(text, position, high) <= MaxTokens)
            {
                output.Add((position, high));
                return;
            }

            // Invariant: [position, low) is the shortest non-empty piece (one rune; accepted even if the counter says it is
            // over the limit, since nothing smaller exists) and [position, high) does not fit.
            while (NextBoundary(text, low, high) < high)
            {
                int middle = AlignToRune(text, low + ((high - low) / 2), position);
                if (middle <= low)
                {
                    middle = NextBoundary(text, low, high);
                }

                if (Count(text, position, middle) <= MaxTokens)
                {
                    low = middle;
                }
                else
                {
                    high = middle;
                }
            }

            output.Add((position, low));
            position = low;
        }
    }

    private static int NextBoundary(string text, int position, int end)
    {
        if (position >= end)
        {
            return end;
        }

        int next = position + (char.IsHighSurrogate(text[position]) && position + 1 < end && char.IsLowSurrogate(text[position + 1]) ? 2 : 1);
        return Math.Min(next, end);
    }

    private static int AlignToRune(string text, int position, int floor) =>
        position > floor && position < text.Length && char.IsLowSurrogate(text[position]) && char.IsHighSurrogate(text[position - 1]) ? position - 1 : position;

    /// <summary>The cut positions strictly inside (start, end) for a level; each piece ends after its separator.</summary>
    public static List<int> Cuts(string text, int start, int end, SplitLevel level)
    {
        var cuts = new List<int>();
        switch (level)
        {
            case SplitLevel.Paragraph:
                for (int i = start; i < end; i++)
                {
                    if (text[i] != '\n')
                    {
                        continue;
                    }

                    int j = i + 1;
                    while (j < end && text[j] is ' ' or '\t' or '\r')
                    {
                        j++;
                    }

                    if (j < end && text[j] == '\n')
                    {
                        while (j < end && char.IsWhiteSpace(text[j]))
                        {
                            j++;
                        }

                        AddCut(cuts, j, start, end);
                        i = j - 1;
                    }
                }

                break;
            case SplitLevel.Line:
                for (int i = start; i < end; i++)
                {
                    if (text[i] == '\n')
                    {
                        AddCut(cuts, i + 1, start, end);
                    }
                }

                break;
            case SplitLevel.Sentence:
                SentenceCuts(text, start, end, cuts);
                break;
            case SplitLevel.Word:
                for (int i = start; i < end; i++)
                {
                    if (char.IsWhiteSpace(text[i]))
                    {
                        int j = i;
                        while (j < end && char.IsWhiteSpace(text[j]))
                        {
                            j++;
                        }

                        AddCut(cuts, j, start, end);
                        i = j - 1;
                    }
                }

                break;
        }

        return cuts;
    }

    private static void SentenceCuts(string text, int start, int end, List<int> cuts)
    {
        for (int i = start; i < end; i++)
        {
            char c = text[i];
            bool cjkStop = c is '。' or '！' or '？';
            if (!(c is '.' or '!' or '?' or '…' || cjkStop))
            {
                continue;
            }

            int j = i + 1;
            while (j < end && text[j] is '.' or '!' or '?' or '…' or '"' or '\'' or ')' or ']' or '”' or '’' or '»')
            {
                j++;
            }

            if (cjkStop)
            {
                while (j < end && char.IsWhiteSpace(text[j]))
                {
                    j++;
                }

                AddCut(cuts, j, start, end);
                i = j - 1;
                continue;
            }

            if (j >= end || !char.IsWhiteSpace(text[j]))
            {
                i = j - 1;
                continue;
            }

            while (j < end && char.IsWhiteSpace(text[j]))
            {
                j++;
            }

            // "e.g. this" and "3. item" style: do not cut before a lower-case letter.
            if (j < end && char.IsLower(text[j]))
            {
                i = j - 1;
                continue;
            }

            AddCut(cuts, j, start, end);
            i = j - 1;
        }
    }

    private static void AddCut(List<int> cuts, int position, int start, int end)
    {
        if (position > start && position < end && (cuts.Count == 0 || cuts[^1] < position))
        {
            cuts.Add(position);
        }
    }

    /// <summary>Turns ranges into chunks: trims whitespace, drops empty ranges, numbers them and counts their tokens.</summary>
    public static List<Chunk> ToChunks(Document document, IReadOnlyList<(int Start, int End, string? HeadingPath)> ranges, ITokenCounter counter)
    {
        string text = document.Text;
        var chunks = new List<Chunk>(ranges.Count);
        foreach ((int rangeStart, int rangeEnd, string? headingPath) in ranges)
        {
            int start = rangeStart;
            int end = rangeEnd;
            while (start < end && char.IsWhiteSpace(text[start]))
            {
                start++;
            }

            while (end > start && char.IsWhiteSpace(text[end - 1]))
            {
                end--;
            }

            if (start == end)
            {
                continue;
            }

            string chunkText = text[start..end];
            chunks.Add(new Chunk(document.Id, chunks.Count, start, end, chunkText, counter.CountTokens(chunkText)) { HeadingPath = headingPath });
        }

        return chunks;
    }

    public static List<(int Start, int End, string? HeadingPath)> WithoutHeadings(List<(int Start, int End)> ranges)
    {
        var result = new List<(int Start, int End, string? HeadingPath)>(ranges.Count);
        foreach ((int start, int end) in ranges)
        {
            result.Add((start, end, null));
        }

        return result;
    }
}
