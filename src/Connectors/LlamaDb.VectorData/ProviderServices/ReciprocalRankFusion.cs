namespace LlamaDb.VectorData.ProviderServices;

/// <summary>
/// Reciprocal rank fusion (Cormack et al., 2009): each ranking contributes <c>weight / (k + rank)</c> (rank from 1) to an
/// item's score; items are returned best first.
/// </summary>
public static class ReciprocalRankFusion
{
    /// <summary>The customary k.</summary>
    public const int DefaultK = 60;

    /// <summary>Fuses <paramref name="rankings"/> (each best first).</summary>
    /// <param name="rankings">The rankings to fuse.</param>
    /// <param name="k">The rank constant. Defaults to 60.</param>
    /// <param name="weights">Per-ranking weights (weighted fusion); null for equal weights of 1.</param>
    /// <param name="comparer">How items are matched across rankings.</param>
    /// <returns>Items with fused scores, best first; ties keep the order of first appearance.</returns>
    public static IReadOnlyList<(T Item, double Score)> Fuse<T>(IReadOnlyList<IReadOnlyList<T>> rankings, int k = DefaultK, IReadOnlyList<double>? weights = null, IEqualityComparer<T>? comparer = null)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(rankings);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (weights is not null && weights.Count != rankings.Count)
        {
            throw new ArgumentException($"{weights.Count} weights were given for {rankings.Count} rankings.", nameof(weights));
        }

        var scores = new Dictionary<T, (double Score, int FirstSeen)>(comparer);
        int seen = 0;
        for (int r = 0; r < rankings.Count; r++)
        {
            double weight = weights?[r] ?? 1.0;
            IReadOnlyList<T> ranking = rankings[r];
            for (int i = 0; i < ranking.Count; i++)
            {
                double contribution = weight / (k + i + 1);
                scores[ranking[i]] = scores.TryGetValue(ranking[i], out var existing)
                    ? (existing.Score + contribution, existing.FirstSeen)
                    : (contribution, seen++);
            }
        }

        var fused = new List<(T Item, double Score, int FirstSeen)>(scores.Count);
        foreach (KeyValuePair<T, (double Score, int FirstSeen)> entry in scores)
        {
            fused.Add((entry.Key, entry.Value.Score, entry.Value.FirstSeen));
        }

        fused.Sort(static (a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.FirstSeen.CompareTo(b.FirstSeen));
        var result = new (T, double)[fused.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = (fused[i].Item, fused[i].Score);
        }

        return result;
    }
}
