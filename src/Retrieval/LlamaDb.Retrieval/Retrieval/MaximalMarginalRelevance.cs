namespace LlamaDb.Retrieval;

/// <summary>
/// Maximal marginal relevance (Carbonell and Goldstein, 1998): pick, one at a time, the candidate maximizing
/// <c>λ · relevance − (1 − λ) · max similarity to the ones already picked</c>.
/// </summary>
internal static class MaximalMarginalRelevance
{
    /// <summary>
    /// Selects up to <paramref name="count"/> candidates. <paramref name="relevance"/> is rescaled to [0, 1] (min-max) so
    /// that it is comparable with cosine similarity whatever produced it (cosine, BM25, fused ranks or a reranker).
    /// </summary>
    /// <param name="relevance">One relevance score per candidate, higher is better.</param>
    /// <param name="vectors">One embedding per candidate.</param>
    /// <param name="lambda">1 = relevance only, 0 = diversity only.</param>
    /// <param name="count">How many to select.</param>
    /// <returns>The indices of the selected candidates, in selection order.</returns>
    public static int[] Select(IReadOnlyList<double> relevance, IReadOnlyList<ReadOnlyMemory<float>> vectors, double lambda, int count)
    {
        int n = relevance.Count;
        count = Math.Min(count, n);
        if (count == 0)
        {
            return [];
        }

        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            min = Math.Min(min, relevance[i]);
            max = Math.Max(max, relevance[i]);
        }

        double range = max - min;
        var normalized = new double[n];
        for (int i = 0; i < n; i++)
        {
            normalized[i] = range > 0 ? (relevance[i] - min) / range : 1.0;
        }

        // maxSimilarity[i]: the highest cosine similarity of candidate i to any candidate selected so far.
        var maxSimilarity = new double[n];
        Array.Fill(maxSimilarity, double.NegativeInfinity);
        var taken = new bool[n];
        var selected = new int[count];
        for (int k = 0; k < count; k++)
        {
            int best = -1;
            double bestValue = double.NegativeInfinity;
            for (int i = 0; i < n; i++)
            {
                if (taken[i])
                {
                    continue;
                }

                double redundancy = k == 0 ? 0 : maxSimilarity[i];
                double value = (lambda * normalized[i]) - ((1 - lambda) * redundancy);
                if (value > bestValue)
                {
                    bestValue = value;
                    best = i;
                }
            }

            selected[k] = best;
            taken[best] = true;
            ReadOnlySpan<float> picked = vectors[best].Span;
            for (int i = 0; i < n; i++)
            {
                if (!taken[i])
                {
                    double similarity = CosineSimilarity(picked, vectors[i].Span);
                    maxSimilarity[i] = Math.Max(maxSimilarity[i], similarity);
                }
            }
        }

        return selected;
    }

    private static double CosineSimilarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new InvalidOperationException($"Candidate embeddings have different dimensions ({a.Length} and {b.Length}).");
        }

        // A plain loop: MMR compares tens of candidates, and this keeps System.Numerics.Tensors out of the package.
        double dot = 0, normA = 0, normB = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            normA += (double)a[i] * a[i];
            normB += (double)b[i] * b[i];
        }

        return normA > 0 && normB > 0 ? dot / Math.Sqrt(normA * normB) : 0;
    }
}
