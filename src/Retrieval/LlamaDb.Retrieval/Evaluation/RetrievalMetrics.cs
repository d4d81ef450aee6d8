namespace LlamaDb.Retrieval;

/// <summary>
/// Per-query ranking metrics as BEIR reports them (through <c>trec_eval</c> semantics): a document is relevant when its
/// judged grade is above 0; unjudged documents count as grade 0; duplicates in a ranking count once, at their first rank.
/// </summary>
public static class RetrievalMetrics
{
    /// <summary>
    /// nDCG@k with graded relevance: DCG = Σ grade / log2(rank + 1) over the top <paramref name="k"/> (gain = grade, as
    /// trec_eval), divided by the DCG of the ideal ranking of all judged documents. 0 when nothing is relevant.
    /// </summary>
    /// <param name="ranking">Document ids, best first.</param>
    /// <param name="judgments">Grades by document id.</param>
    /// <param name="k">The cutoff.</param>
    /// <returns>nDCG@k in [0, 1].</returns>
    public static double Ndcg(IReadOnlyList<string> ranking, IReadOnlyDictionary<string, int> judgments, int k)
    {
        Validate(ranking, judgments, k);
        double dcg = 0;
        int rank = 0;
        foreach (string id in Distinct(ranking, k))
        {
            rank++;
            if (judgments.TryGetValue(id, out int grade) && grade > 0)
            {
                dcg += grade / Math.Log2(rank + 1);
            }
        }

        var ideal = new List<int>();
        foreach (int grade in judgments.Values)
        {
            if (grade > 0)
            {
                ideal.Add(grade);
            }
        }

        ideal.Sort((a, b) => b.CompareTo(a));
        double idcg = 0;
        for (int i = 0; i < Math.Min(k, ideal.Count); i++)
        {
            idcg += ideal[i] / Math.Log2(i + 2);
        }

        return idcg > 0 ? dcg / idcg : 0;
    }

    /// <summary>Recall@k: the share of the relevant documents that are in the top <paramref name="k"/>. 0 when nothing is relevant.</summary>
    /// <param name="ranking">Document ids, best first.</param>
    /// <param name="judgments">Grades by document id.</param>
    /// <param name="k">The cutoff.</param>
    /// <returns>Recall@k in [0, 1].</returns>
    public static double Recall(IReadOnlyList<string> ranking, IReadOnlyDictionary<string, int> judgments, int k)
    {
        Validate(ranking, judgments, k);
        int relevant = CountRelevant(judgments);
        if (relevant == 0)
        {
            return 0;
        }

        int found = 0;
        foreach (string id in Distinct(ranking, k))
        {
            if (judgments.TryGetValue(id, out int grade) && grade > 0)
            {
                found++;
            }
        }

        return (double)found / relevant;
    }

    /// <summary>Reciprocal rank@k: 1 / the rank of the first relevant document in the top <paramref name="k"/>, else 0.</summary>
    /// <param name="ranking">Document ids, best first.</param>
    /// <param name="judgments">Grades by document id.</param>
    /// <param name="k">The cutoff.</param>
    /// <returns>RR@k in [0, 1]; the mean over queries is MRR@k.</returns>
    public static double ReciprocalRank(IReadOnlyList<string> ranking, IReadOnlyDictionary<string, int> judgments, int k)
    {
        Validate(ranking, judgments, k);
        int rank = 0;
        foreach (string id in Distinct(ranking, k))
        {
            rank++;
            if (judgments.TryGetValue(id, out int grade) && grade > 0)
            {
                return 1.0 / rank;
            }
        }

        return 0;
    }

    /// <summary>
    /// Average precision@k: the sum of precision@rank at each relevant document in the top <paramref name="k"/>, divided by
    /// the number of relevant documents (trec_eval's <c>map_cut</c>). The mean over queries is MAP@k.
    /// </summary>
    /// <param name="ranking">Document ids, best first.</param>
    /// <param name="judgments">Grades by document id.</param>
    /// <param name="k">The cutoff; <see cref="int.MaxValue"/> for the whole ranking.</param>
    /// <returns>AP@k in [0, 1].</returns>
    public static double AveragePrecision(IReadOnlyList<string> ranking, IReadOnlyDictionary<string, int> judgments, int k = int.MaxValue)
    {
        Validate(ranking, judgments, k);
        int relevant = CountRelevant(judgments);
        if (relevant == 0)
        {
            return 0;
        }

        int rank = 0;
        int found = 0;
        double sum = 0;
        foreach (string id in Distinct(ranking, k))
        {
            rank++;
            if (judgments.TryGetValue(id, out int grade) && grade > 0)
            {
                found++;
                sum += (double)found / rank;
            }
        }

        return sum / relevant;
    }

    private static int CountRelevant(IReadOnlyDictionary<string, int> judgments)
    {
        int relevant = 0;
        foreach (int grade in judgments.Values)
        {
            if (grade > 0)
            {
                relevant++;
            }
        }

        return relevant;
    }

    private static IEnumerable<string> Distinct(IReadOnlyList<string> ranking, int k)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string id in ranking)
        {
            if (seen.Count >= k)
            {
                yield break;
            }

            if (seen.Add(id))
            {
                yield return id;
            }
        }
    }

    private static void Validate(IReadOnlyList<string> ranking, IReadOnlyDictionary<string, int> judgments, int k)
    {
        ArgumentNullException.ThrowIfNull(ranking);
        ArgumentNullException.ThrowIfNull(judgments);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
    }
}
