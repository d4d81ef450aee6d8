using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlamaDb.Retrieval;

/// <summary>STS evaluation: Spearman (and Pearson) correlation between the embeddings' cosine similarity and the gold scores.</summary>
public static class StsEvaluator
{
    /// <summary>Reads pairs from JSON lines with <c>sentence1</c>, <c>sentence2</c> and a numeric <c>score</c>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The pairs, in file order.</returns>
    /// <exception cref="InvalidDataException">A line is malformed (the message names it).</exception>
    public static async Task<IReadOnlyList<StsPair>> LoadJsonLinesAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var pairs = new List<StsPair>();
        int lineNumber = 0;
        foreach (string line in await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using JsonDocument json = JsonDocument.Parse(line);
                JsonElement root = json.RootElement;
                pairs.Add(new StsPair(
                    root.GetProperty("sentence1").GetString() ?? string.Empty,
                    root.GetProperty("sentence2").GetString() ?? string.Empty,
                    root.GetProperty("score").GetDouble()));
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: {ex.Message}", ex);
            }
        }

        return pairs;
    }

    /// <summary>Embeds both sentences of every pair and correlates their cosine similarity with the gold scores.</summary>
    /// <param name="generator">The embedding generator.</param>
    /// <param name="pairs">The pairs (at least two).</param>
    /// <param name="batchSize">Sentences per embedding call. Defaults to 64.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Spearman's ρ and Pearson's r.</returns>
    public static async Task<(double Spearman, double Pearson)> EvaluateAsync(IEmbeddingGenerator<string, Embedding<float>> generator, IReadOnlyList<StsPair> pairs, int batchSize = 64, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var sentences = new List<string>(pairs.Count * 2);
        foreach (StsPair pair in pairs)
        {
            sentences.Add(pair.Sentence1);
            sentences.Add(pair.Sentence2);
        }

        var vectors = new List<ReadOnlyMemory<float>>(sentences.Count);
        for (int i = 0; i < sentences.Count; i += batchSize)
        {
            List<string> batch = sentences.GetRange(i, Math.Min(batchSize, sentences.Count - i));
            GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(batch, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (Embedding<float> embedding in embeddings)
            {
                vectors.Add(embedding.Vector);
            }
        }

        if (vectors.Count != sentences.Count)
        {
            throw new InvalidOperationException($"The embedding generator returned {vectors.Count} embeddings for {sentences.Count} sentences.");
        }

        var similarities = new double[pairs.Count];
        var gold = new double[pairs.Count];
        for (int i = 0; i < pairs.Count; i++)
        {
            similarities[i] = Cosine(vectors[2 * i].Span, vectors[(2 * i) + 1].Span);
            gold[i] = pairs[i].Score;
        }

        return (Correlation.Spearman(similarities, gold), Correlation.Pearson(similarities, gold));
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, normA = 0, normB = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * (double)b[i];
            normA += a[i] * (double)a[i];
            normB += b[i] * (double)b[i];
        }

        return normA == 0 || normB == 0 ? 0 : dot / Math.Sqrt(normA * normB);
    }
}
