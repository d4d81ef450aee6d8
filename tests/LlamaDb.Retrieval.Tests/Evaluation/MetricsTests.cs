namespace LlamaDb.Retrieval.Tests.Evaluation;

/// <summary>Metrics on cases computed by hand.</summary>
public sealed class MetricsTests
{
    // Grades: a=3, b=2, c=1, z=2 (z never retrieved), n=0 (judged not relevant).
    private static readonly Dictionary<string, int> s_judgments = new() { ["a"] = 3, ["b"] = 2, ["c"] = 1, ["z"] = 2, ["n"] = 0 };
    private static readonly string[] s_ranking = ["c", "x", "a", "b", "n"];

    [Fact]
    public void Ndcg_GradedRelevance_MatchesHandComputation()
    {
        // DCG@3 = 1/log2(2) + 0 + 3/log2(4) = 2.5; IDCG@3 = 3 + 2/log2(3) + 2/log2(4) = 5.2618595...
        Assert.Equal(0.4751172083949178, RetrievalMetrics.Ndcg(s_ranking, s_judgments, 3), 12);
        Assert.Equal(1.0, RetrievalMetrics.Ndcg(["a", "b", "z", "c"], s_judgments, 10), 12);
        Assert.Equal(0.0, RetrievalMetrics.Ndcg(["x", "n"], s_judgments, 10), 12);
        Assert.Equal(0.0, RetrievalMetrics.Ndcg(["a"], new Dictionary<string, int> { ["a"] = 0 }, 10), 12);
    }

    [Fact]
    public void Ndcg_RepeatedDocument_CountsOnceAtItsFirstRank()
    {
        var judgments = new Dictionary<string, int> { ["c"] = 1, ["a"] = 3 };
        // Distinct top 2: c, a -> DCG = 1 + 3/log2(3) = 2.89278926...; IDCG = 3 + 1/log2(3).
        double expected = 2.8927892607143724 / (3 + (1 / Math.Log2(3)));
        Assert.Equal(expected, RetrievalMetrics.Ndcg(["c", "c", "a"], judgments, 2), 12);
    }

    [Fact]
    public void Recall_CountsRelevantInTopKOverAllRelevant()
    {
        Assert.Equal(0.5, RetrievalMetrics.Recall(s_ranking, s_judgments, 3), 12);
        Assert.Equal(0.75, RetrievalMetrics.Recall(s_ranking, s_judgments, 100), 12);
    }

    [Fact]
    public void ReciprocalRank_FirstRelevantWithinCutoff()
    {
        Assert.Equal(1.0, RetrievalMetrics.ReciprocalRank(s_ranking, s_judgments, 10), 12);
        Assert.Equal(1.0 / 3, RetrievalMetrics.ReciprocalRank(["x", "n", "b"], s_judgments, 10), 12);
        Assert.Equal(0.0, RetrievalMetrics.ReciprocalRank(["x", "n", "b"], s_judgments, 2), 12);
    }

    [Fact]
    public void AveragePrecision_SumsPrecisionAtRelevantRanksOverAllRelevant()
    {
        // Relevant at ranks 1, 3, 4: (1/1 + 2/3 + 3/4) / 4 relevant = 0.6041666...
        Assert.Equal(0.6041666666666666, RetrievalMetrics.AveragePrecision(s_ranking, s_judgments), 12);
        // Cut at 3: (1 + 2/3) / 4.
        Assert.Equal((1 + (2.0 / 3)) / 4, RetrievalMetrics.AveragePrecision(s_ranking, s_judgments, 3), 12);
    }

    [Fact]
    public void Spearman_Ties_UseAverageRanks()
    {
        Assert.Equal([1, 2.5, 2.5, 4], Correlation.AverageRanks([1, 2, 2, 3]));
        // ranks x = [1, 2.5, 2.5, 4], y = [1, 3, 2, 4]: cov 4.5, var 4.5 and 5 -> 4.5 / sqrt(22.5).
        Assert.Equal(0.9486832980505138, Correlation.Spearman([1, 2, 2, 3], [1, 3, 2, 4]), 12);
        Assert.Equal(1.0, Correlation.Spearman([1, 10, 100], [0.1, 0.2, 0.9]), 12);
        Assert.Equal(-1.0, Correlation.Spearman([1, 2, 3], [3, 2, 1]), 12);
        Assert.True(double.IsNaN(Correlation.Spearman([1, 1, 1], [1, 2, 3])));
    }

    [Fact]
    public void Pearson_MatchesHandComputation()
    {
        // x = [1, 2, 3], y = [2, 4, 7]: means 2 and 4.333; cov = 5, var x = 2, var y = 12.667 -> 5 / sqrt(25.333).
        Assert.Equal(5 / Math.Sqrt(2 * 12.666666666666666), Correlation.Pearson([1, 2, 3], [2, 4, 7]), 12);
        Assert.Throws<ArgumentException>(() => Correlation.Pearson([1, 2], [1]));
    }

    [Fact]
    public async Task Rerank_ReordersTopCandidatesAndKeepsTheRest()
    {
        var reranker = new LengthReranker();
        IReadOnlyList<string> result = await RetrievalEvaluator.RerankAsync(reranker, "q", ["a", "bbb", "cc", "dddd"], id => id, top: 3);
        Assert.Equal(["bbb", "cc", "a", "dddd"], result);
    }

    [Fact]
    public async Task StsEvaluator_IdenticalPairsScoredHighest_CorrelatePerfectly()
    {
        StsPair[] pairs =
        [
            new("a cat sat", "a cat sat", 5),
            new("a cat sat", "a cat ran", 3),
            new("a cat sat", "dogs bark loud", 0),
        ];
        (double spearman, _) = await StsEvaluator.EvaluateAsync(new TestEmbeddingGenerator(256), pairs);
        Assert.Equal(1.0, spearman, 12);
    }

    private sealed class LengthReranker : IReranker
    {
        public Task<IReadOnlyList<double>> ScoreAsync(string query, IReadOnlyList<string> documents, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<double>>([.. documents.Select(d => (double)d.Length)]);
    }
}
