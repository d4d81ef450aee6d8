using Microsoft.Extensions.Logging;

namespace LlamaDb.Retrieval.Tests.Retrieval;

public sealed class RetrieverTests : IClassFixture<ChunkStore>
{
    private readonly ChunkStore _store;

    public RetrieverTests(ChunkStore store) => _store = store;

    private Retriever Create(IReranker? reranker = null, RetrieverOptions? options = null, ListLogger<Retriever>? logger = null, bool withEmbedder = true) =>
        new(_store.Collection, reranker, withEmbedder ? _store.Embedder : null, options, logger);

    [Fact]
    public async Task RetrieveAsync_VectorMode_BestMatchFirstWithAllChunkFields()
    {
        IReadOnlyList<RetrievedChunk> results = await Create().RetrieveAsync("Eiffel tower Seine", new RetrievalOptions { Mode = RetrievalMode.Vector, Top = 3 });

        Assert.Equal(3, results.Count);
        RetrievedChunk best = results[0];
        ChunkRecord expected = ChunkStore.Get("paris#1");
        Assert.Equal(expected.Id, best.ChunkId);
        Assert.Equal(expected.DocumentId, best.DocumentId);
        Assert.Equal(expected.Text, best.Text);
        Assert.Equal(expected.Source, best.Source);
        Assert.Equal(expected.Title, best.Title);
        Assert.Equal(expected.HeadingPath, best.HeadingPath);
        Assert.Equal(expected.ChunkIndex, best.ChunkIndex);
        Assert.Equal(expected.StartOffset, best.StartOffset);
        Assert.Equal(expected.EndOffset, best.EndOffset);
        Assert.Equal(best.FirstStageScore, best.Score);
        Assert.Null(best.RerankScore);
        double cosine = Cosine(_store.Embedder.Embed("Eiffel tower Seine"), _store.Embedder.Embed(expected.Text));
        Assert.Equal(cosine, best.Score, 1e-5);
        Assert.True(results.Zip(results.Skip(1)).All(p => p.First.Score >= p.Second.Score));
    }

    [Fact]
    public async Task RetrieveAsync_KeywordMode_ReturnsOnlyBm25Matches()
    {
        IReadOnlyList<RetrievedChunk> results = await Create().RetrieveAsync("potassium?", new RetrievalOptions { Mode = RetrievalMode.Keyword });

        RetrievedChunk only = Assert.Single(results);
        Assert.Equal("fruit#0", only.ChunkId);
        Assert.True(only.Score > 0);
    }

    [Fact]
    public async Task RetrieveAsync_KeywordModeNoWords_ReturnsEmpty()
    {
        IReadOnlyList<RetrievedChunk> results = await Create().RetrieveAsync("?!", new RetrievalOptions { Mode = RetrievalMode.Keyword });

        Assert.Empty(results);
    }

    [Fact]
    public async Task RetrieveAsync_HybridMode_FusesVectorAndKeywordRanks()
    {
        IReadOnlyList<RetrievedChunk> results = await Create().RetrieveAsync("bananas smoothie", new RetrievalOptions { Mode = RetrievalMode.Hybrid, Top = 4 });

        Assert.Equal("fruit#1", results[0].ChunkId);
        Assert.Contains(results, r => r.ChunkId == "fruit#0");

        // Reciprocal rank fusion scores: at most the sum of 1 / (60 + 1) over the two rankings.
        Assert.All(results, r => Assert.InRange(r.Score, 0, (2.0 / 61) + 1e-12));
    }

    [Theory]
    [InlineData(RetrievalMode.Vector)]
    [InlineData(RetrievalMode.Keyword)]
    [InlineData(RetrievalMode.Hybrid)]
    public async Task RetrieveAsync_MetadataFilter_OnlyMatchingDocuments(RetrievalMode mode)
    {
        IReadOnlyList<RetrievedChunk> results = await Create().RetrieveAsync("Berlin Paris bananas", new RetrievalOptions { Mode = mode, Filter = r => r.DocumentId == "paris" });

        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.Equal("paris", r.DocumentId));
    }

    [Fact]
    public async Task RetrieveAsync_Top_LimitsResults()
    {
        IReadOnlyList<RetrievedChunk> results = await Create().RetrieveAsync("Berlin", new RetrievalOptions { Mode = RetrievalMode.Vector, Top = 2 });

        Assert.Equal(2, results.Count);
    }

    [Fact]
    public async Task RetrieveAsync_WithReranker_OneBatchedCallOverCandidatesAndRerankOrder()
    {
        ScriptedReranker reranker = ScriptedReranker.Favoring("bananas");

        IReadOnlyList<RetrievedChunk> results = await Create(reranker).RetrieveAsync("Berlin population", new RetrievalOptions { Mode = RetrievalMode.Vector, Top = 3, Candidates = 5 });

        (string query, IReadOnlyList<string> documents) = Assert.Single(reranker.Calls);
        Assert.Equal("Berlin population", query);
        Assert.Equal(5, documents.Count);
        Assert.Equal(3, results.Count);
        Assert.All(results, r => Assert.NotNull(r.RerankScore));
        Assert.All(results, r => Assert.Equal(r.RerankScore!.Value, r.Score));
        int bananas = documents.Count(d => d.Contains("bananas", StringComparison.OrdinalIgnoreCase));
        Assert.All(results.Take(bananas), r => Assert.Contains("bananas", r.Text, StringComparison.OrdinalIgnoreCase));

        // Ties (score 0) keep the first-stage order.
        RetrievedChunk[] zeros = [.. results.Where(r => r.RerankScore == 0)];
        Assert.True(zeros.Zip(zeros.Skip(1)).All(p => p.First.FirstStageScore >= p.Second.FirstStageScore));
    }

    [Fact]
    public async Task RetrieveAsync_RerankerThrows_FirstStageOrderAndWarning()
    {
        var logger = new ListLogger<Retriever>();
        var options = new RetrievalOptions { Mode = RetrievalMode.Vector, Top = 4 };
        IReadOnlyList<RetrievedChunk> plain = await Create().RetrieveAsync("Berlin wall", options);

        IReadOnlyList<RetrievedChunk> results = await Create(ScriptedReranker.Throwing(new HttpRequestException("down")), logger: logger).RetrieveAsync("Berlin wall", options);

        Assert.Equal(plain.Select(r => r.ChunkId), results.Select(r => r.ChunkId));
        Assert.All(results, r => Assert.Null(r.RerankScore));
        (LogLevel level, string message, Exception? exception) = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("first-stage order", message, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(exception);
    }

    [Fact]
    public async Task RetrieveAsync_RerankerReturnsWrongCount_TreatedAsFailure()
    {
        var logger = new ListLogger<Retriever>();
        var reranker = new ScriptedReranker((_, _) => [1.0]);

        IReadOnlyList<RetrievedChunk> results = await Create(reranker, logger: logger).RetrieveAsync("Berlin", new RetrievalOptions { Mode = RetrievalMode.Vector, Top = 3 });

        Assert.Equal(3, results.Count);
        Assert.All(results, r => Assert.Null(r.RerankScore));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task RetrieveAsync_RerankerThrowsWithThrowOption_Throws()
    {
        Retriever retriever = Create(ScriptedReranker.Throwing(new HttpRequestException("down")), new RetrieverOptions { ThrowOnRerankFailure = true });

        await Assert.ThrowsAsync<HttpRequestException>(() => retriever.RetrieveAsync("Berlin", new RetrievalOptions { Mode = RetrievalMode.Vector }));
    }

    [Fact]
    public async Task RetrieveAsync_CancelledDuringRerank_Propagates()
    {
        using var cts = new CancellationTokenSource();
        var reranker = new ScriptedReranker((_, _) =>
        {
            cts.Cancel();
            throw new OperationCanceledException(cts.Token);
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Create(reranker).RetrieveAsync("Berlin", new RetrievalOptions { Mode = RetrievalMode.Vector }, cts.Token));
    }

    [Fact]
    public async Task RetrieveAsync_RerankFalse_RerankerNotCalled()
    {
        ScriptedReranker reranker = ScriptedReranker.Favoring("bananas");

        IReadOnlyList<RetrievedChunk> results = await Create(reranker).RetrieveAsync("Berlin", new RetrievalOptions { Mode = RetrievalMode.Vector, Rerank = false });

        Assert.Empty(reranker.Calls);
        Assert.All(results, r => Assert.Null(r.RerankScore));
    }

    [Fact]
    public async Task RetrieveAsync_RerankTrueWithoutReranker_Throws()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Create().RetrieveAsync("Berlin", new RetrievalOptions { Rerank = true }));

        Assert.Contains("IReranker", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetrieveAsync_MinRerankScore_DropsRerankedChunksBelowIt()
    {
        ScriptedReranker reranker = ScriptedReranker.Favoring("Berlin");

        IReadOnlyList<RetrievedChunk> results = await Create(reranker).RetrieveAsync("Berlin", new RetrievalOptions { Mode = RetrievalMode.Vector, MinRerankScore = 0.5 });

        Assert.Equal(["berlin#0", "berlin#1", "copy#0"], results.Select(r => r.ChunkId).Order());
    }

    [Fact]
    public async Task RetrieveAsync_MmrLambdaOne_KeepsRelevanceOrder()
    {
        var options = new RetrievalOptions { Mode = RetrievalMode.Vector, Top = 4 };
        IReadOnlyList<RetrievedChunk> plain = await Create().RetrieveAsync("Berlin population three million", options);

        options.MmrLambda = 1;
        IReadOnlyList<RetrievedChunk> mmr = await Create().RetrieveAsync("Berlin population three million", options);

        Assert.Equal(plain.Select(r => r.ChunkId), mmr.Select(r => r.ChunkId));
    }

    [Fact]
    public async Task RetrieveAsync_MmrDiversity_SkipsNearDuplicate()
    {
        // berlin#0 and copy#0 are near-duplicates and both top the relevance ranking.
        var options = new RetrievalOptions { Mode = RetrievalMode.Vector, Top = 2 };
        IReadOnlyList<RetrievedChunk> plain = await Create().RetrieveAsync("Berlin population three million", options);
        Assert.Equal(["berlin#0", "copy#0"], plain.Select(r => r.ChunkId).Order());

        options.MmrLambda = 0.5;
        IReadOnlyList<RetrievedChunk> mmr = await Create().RetrieveAsync("Berlin population three million", options);

        Assert.Equal(plain[0].ChunkId, mmr[0].ChunkId);
        Assert.NotEqual(plain[1].ChunkId, mmr[1].ChunkId);
    }

    [Fact]
    public async Task RetrieveAsync_MmrWithoutEmbeddingGenerator_Throws()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Create(withEmbedder: false).RetrieveAsync("Berlin", new RetrievalOptions { MmrLambda = 0.5 }));

        Assert.Contains("embedding generator", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetrieveAsync_CollectionWithoutKeywordSearch_VectorWorksKeywordAndHybridThrow()
    {
        var retriever = new Retriever(new VectorOnlyCollection(_store.Collection));

        IReadOnlyList<RetrievedChunk> vector = await retriever.RetrieveAsync("Eiffel", new RetrievalOptions { Mode = RetrievalMode.Vector, Top = 1 });

        Assert.Equal("paris#1", Assert.Single(vector).ChunkId);
        await Assert.ThrowsAsync<NotSupportedException>(() => retriever.RetrieveAsync("Eiffel", new RetrievalOptions { Mode = RetrievalMode.Keyword }));
        await Assert.ThrowsAsync<NotSupportedException>(() => retriever.RetrieveAsync("Eiffel", new RetrievalOptions { Mode = RetrievalMode.Hybrid }));
    }

    [Fact]
    public async Task RetrieveAsync_NoOptions_UsesRetrieverDefaults()
    {
        var options = new RetrieverOptions { Defaults = new RetrievalOptions { Mode = RetrievalMode.Keyword, Top = 1 } };

        IReadOnlyList<RetrievedChunk> results = await Create(options: options).RetrieveAsync("smoothie");

        Assert.Equal("fruit#1", Assert.Single(results).ChunkId);
    }

    [Fact]
    public async Task RetrieveAsync_InvalidOptions_ThrowNamingTheOption()
    {
        Retriever retriever = Create();

        Assert.Equal("options.Top", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => retriever.RetrieveAsync("q", new RetrievalOptions { Top = 0 }))).ParamName);
        Assert.Equal("options.Candidates", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => retriever.RetrieveAsync("q", new RetrievalOptions { Candidates = -1 }))).ParamName);
        Assert.Equal("options.MmrLambda", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => retriever.RetrieveAsync("q", new RetrievalOptions { MmrLambda = 1.5 }))).ParamName);
        Assert.Equal("options.Mode", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => retriever.RetrieveAsync("q", new RetrievalOptions { Mode = (RetrievalMode)9 }))).ParamName);
        await Assert.ThrowsAsync<ArgumentNullException>(() => retriever.RetrieveAsync(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Retriever(_store.Collection, options: new RetrieverOptions { Defaults = new RetrievalOptions { Top = 0 } }));
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
