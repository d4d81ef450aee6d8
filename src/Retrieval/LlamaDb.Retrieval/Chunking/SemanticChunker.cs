using Microsoft.Extensions.AI;

namespace LlamaDb.Retrieval;

/// <summary>
/// Splits where the meaning shifts: embeds each sentence, takes the cosine distance between consecutive sentences, and
/// starts a new chunk after every distance above the <see cref="SemanticChunkerOptions.BreakpointPercentile"/>-th
/// percentile of the document's distances (linear interpolation between order statistics). Groups over the token limit are
/// packed by sentences like <see cref="SentenceChunker"/>.
/// </summary>
public sealed class SemanticChunker : IChunker
{
    private static readonly SplitLevel[] s_packLevels = [SplitLevel.Sentence, SplitLevel.Word];
    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly ChunkerOptions _chunking;
    private readonly double _percentile;
    private readonly int _batchSize;

    /// <summary>Creates the chunker.</summary>
    /// <param name="generator">Embeds the sentences.</param>
    /// <param name="options">The options; defaults when null.</param>
    public SemanticChunker(IEmbeddingGenerator<string, Embedding<float>> generator, SemanticChunkerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        options ??= new SemanticChunkerOptions();
        ArgumentNullException.ThrowIfNull(options.Chunking, "options.Chunking");
        if (options.BreakpointPercentile is < 0 or > 100 || double.IsNaN(options.BreakpointPercentile))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BreakpointPercentile, "BreakpointPercentile must be between 0 and 100.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.EmbeddingBatchSize, "options.EmbeddingBatchSize");
        _generator = generator;
        _chunking = options.Chunking.Validated(usesOverlap: false);
        _percentile = options.BreakpointPercentile;
        _batchSize = options.EmbeddingBatchSize;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Chunk>> ChunkAsync(Document document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        string text = document.Text;
        var splitter = new TextSplitter(_chunking.TokenCounter, _chunking.MaxTokens);

        // Sentence units (paragraph breaks are sentence breaks too); whitespace-only units join their neighbour.
        var units = new List<(int Start, int End)>();
        int previous = 0;
        foreach (int cut in SentenceCuts(text))
        {
            AddUnit(previous, cut);
            previous = cut;
        }

        AddUnit(previous, text.Length);
        var ranges = new List<(int Start, int End)>();
        if (units.Count <= 1)
        {
            splitter.Split(text, 0, text.Length, s_packLevels, ranges, cancellationToken);
            return TextSplitter.ToChunks(document, TextSplitter.WithoutHeadings(ranges), _chunking.TokenCounter);
        }

        var vectors = new List<ReadOnlyMemory<float>>(units.Count);
        for (int i = 0; i < units.Count; i += _batchSize)
        {
            var batch = new List<string>(Math.Min(_batchSize, units.Count - i));
            for (int j = i; j < Math.Min(i + _batchSize, units.Count); j++)
            {
                batch.Add(text[units[j].Start..units[j].End].Trim());
            }

            GeneratedEmbeddings<Embedding<float>> embeddings = await _generator.GenerateAsync(batch, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (embeddings.Count != batch.Count)
            {
                throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings for {batch.Count} sentences.");
            }

            foreach (Embedding<float> embedding in embeddings)
            {
                vectors.Add(embedding.Vector);
            }
        }

        double[] distances = new double[units.Count - 1];
        for (int i = 0; i < distances.Length; i++)
        {
            // A NaN can still come from a generator that returns NaN components; treat it as unrelated like a zero vector.
            double similarity = Cosine(vectors[i].Span, vectors[i + 1].Span);
            distances[i] = double.IsNaN(similarity) ? 1.0 : 1.0 - similarity;
        }

        double threshold = Percentile(distances, _percentile);
        int groupStart = 0;
        for (int i = 0; i < units.Count; i++)
        {
            if (i == units.Count - 1 || distances[i] > threshold)
            {
                splitter.Split(text, groupStart, units[i].End, s_packLevels, ranges, cancellationToken);
                groupStart = units[i].End;
            }
        }

        return TextSplitter.ToChunks(document, TextSplitter.WithoutHeadings(ranges), _chunking.TokenCounter);

        void AddUnit(int start, int end)
        {
            if (end <= start)
            {
                return;
            }

            if (text.AsSpan(start, end - start).IsWhiteSpace() && units.Count > 0)
            {
                units[^1] = (units[^1].Start, end);
            }
            else if (units.Count > 0 && text.AsSpan(units[^1].Start, units[^1].End - units[^1].Start).IsWhiteSpace())
            {
                units[^1] = (units[^1].Start, end);
            }
            else
            {
                units.Add((start, end));
            }
        }
    }

    /// <summary>The <paramref name="percentile"/>-th percentile with linear interpolation (NumPy's default method).</summary>
    internal static double Percentile(double[] values, double percentile)
    {
        double[] sorted = [.. values];
        Array.Sort(sorted);
        double position = percentile / 100.0 * (sorted.Length - 1);
        int lower = (int)Math.Floor(position);
        int upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }

    internal static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new InvalidOperationException($"The embedding generator returned vectors of {a.Length} and {b.Length} dimensions.");
        }

        double dot = 0, normA = 0, normB = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * (double)b[i];
            normA += a[i] * (double)a[i];
            normB += b[i] * (double)b[i];
        }

        // A zero vector is similar to nothing: 0, like MaximalMarginalRelevance and StsEvaluator.
        return normA == 0 || normB == 0 ? 0 : dot / Math.Sqrt(normA * normB);
    }

    private static List<int> SentenceCuts(string text)
    {
        var cuts = new List<int>();
        int previous = 0;
        foreach (int paragraphCut in TextSplitter.Cuts(text, 0, text.Length, SplitLevel.Paragraph).Append(text.Length))
        {
            cuts.AddRange(TextSplitter.Cuts(text, previous, paragraphCut, SplitLevel.Sentence));
            if (paragraphCut < text.Length)
            {
                cuts.Add(paragraphCut);
            }

            previous = paragraphCut;
        }

        return cuts;
    }
}
