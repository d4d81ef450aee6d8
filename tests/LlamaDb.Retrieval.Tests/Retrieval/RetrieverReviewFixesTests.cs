using LlamaDb.Retrieval.Tests.TestDoubles;
using LlamaDb.VectorData;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlamaDb.Retrieval.Tests.Retrieval;

/// <summary>Defaults flowing through the pipeline and tools, score scales, configuration errors and DI validation.</summary>
public sealed class RetrieverReviewFixesTests : IClassFixture<ChunkStore>
{
    private readonly ChunkStore _store;

    public RetrieverReviewFixesTests(ChunkStore store) => _store = store;

    private Retriever Create(IReranker? reranker = null, RetrieverOptions? options = null) =>
        new(_store.Collection, reranker, _store.Embedder, options);

    private static RetrieverOptions KeywordDefaults() => new() { Defaults = new RetrievalOptions { Mode = RetrievalMode.Keyword } };

    [Fact]
    public async Task RetrieveAsync_PartialOptions_UnsetValuesComeFromRetrieverDefaults()
    {
        IReadOnlyList<RetrievedChunk> results = await Create(options: KeywordDefaults()).RetrieveAsync("potassium?", new RetrievalOptions { Top = 5 });

        // Keyword mode (the default) finds only the BM25 match; hybrid would add vector neighbours.
        Assert.Equal(["fruit#0"], results.Select(r => r.ChunkId));
    }

    [Fact]
    public async Task RagPipeline_RetrieverDefaults_AreNotOverridden()
    {
        var pipeline = new RagPipeline(Create(options: KeywordDefaults()), new RecordingChatClient("ok"));

        RagAnswer answer = await pipeline.AskAsync("potassium?");

        Assert.Equal(["fruit"], answer.Sources.Select(s => s.DocumentId));
    }

    [Fact]
    public async Task RagPipeline_SendsOnlyTopOnACloneOfTheCallersOptions()
    {
        var retriever = new FixedRetriever(FixedRetriever.Chunk("a", 0, "Alpha.", 0.9));
        var callers = new RetrievalOptions { MmrLambda = 0.5 };

        await new RagPipeline(retriever, new RecordingChatClient("ok")).AskAsync("q", new RagOptions { Top = 3, Retrieval = callers });

        RetrievalOptions sent = retriever.Calls[0].Options!;
        Assert.NotSame(callers, sent);
        Assert.Null(callers.Top);
        Assert.Equal((null, 3, null, 0.5), (sent.Mode, sent.Top, sent.Candidates, sent.MmrLambda));
    }

    [Fact]
    public async Task SearchTool_RetrieverDefaults_AreNotOverridden()
    {
        AIFunction search = RagTools.CreateSearchFunction(Create(options: KeywordDefaults()));

        object? result = await search.InvokeAsync(new AIFunctionArguments { ["query"] = "potassium?", ["top"] = 5 });

        Assert.Contains("fruit#0", System.Text.Json.JsonSerializer.Serialize(result), StringComparison.Ordinal);
        Assert.DoesNotContain("berlin", System.Text.Json.JsonSerializer.Serialize(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetrieveAsync_MinScore_AppliesToFirstStageScoresNotRerankerScores()
    {
        // The reranker scores every chunk 0; a first-stage threshold must not compare against those.
        var reranker = new ScriptedReranker((_, docs) => [.. docs.Select(_ => 0.0)]);

        IReadOnlyList<RetrievedChunk> results = await Create(reranker).RetrieveAsync("Berlin", new RetrievalOptions { Mode = RetrievalMode.Vector, MinScore = 0.1 });

        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.True(r.FirstStageScore >= 0.1));
    }

    [Fact]
    public async Task RetrieveAsync_RerankerFailsWithMinRerankScore_KeepsFirstStageResults()
    {
        ScriptedReranker reranker = ScriptedReranker.Throwing(new InvalidOperationException("transient"));

        IReadOnlyList<RetrievedChunk> results = await Create(reranker).RetrieveAsync("Berlin", new RetrievalOptions { Mode = RetrievalMode.Vector, MinRerankScore = 100 });

        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.Null(r.RerankScore));
    }

    public static TheoryData<Exception> ConfigurationErrors() =>
    [
        new FileNotFoundException("model.onnx missing"),
        new DirectoryNotFoundException("no folder"),
        new InvalidDataException("bad tokenizer.json"),
        new NotSupportedException("unsupported output"),
        new InvalidOperationException("wrapped", new FileNotFoundException("model.onnx missing")),
    ];

    [Theory]
    [MemberData(nameof(ConfigurationErrors))]
    public async Task RetrieveAsync_RerankerConfigurationError_IsThrownNotSwallowed(Exception error)
    {
        Exception thrown = await Assert.ThrowsAnyAsync<Exception>(() => Create(ScriptedReranker.Throwing(error)).RetrieveAsync("Berlin", new RetrievalOptions { Mode = RetrievalMode.Vector }));

        Assert.Same(error, thrown);
    }

    [Fact]
    public async Task RagPipeline_MinRelevanceScore_UsesRerankScoreWhenPresent()
    {
        var retriever = new FixedRetriever(
            new RetrievedChunk("a#0", "a", "Alpha.", 5) { FirstStageScore = 0.01, RerankScore = 5 },
            new RetrievedChunk("b#0", "b", "Beta.", 0.9) { FirstStageScore = 0.9 });
        var pipeline = new RagPipeline(retriever, new RecordingChatClient("ok"), new RagPipelineOptions { MinRelevanceScore = 0.5 });

        RagAnswer answer = await pipeline.AskAsync("q");

        Assert.Equal(["a", "b"], answer.Sources.Select(s => s.DocumentId));
    }

    [Theory]
    [InlineData(DistanceFunction.CosineDistance)]
    [InlineData(DistanceFunction.EuclideanDistance)]
    [InlineData(DistanceFunction.EuclideanSquaredDistance)]
    [InlineData(DistanceFunction.NegativeDotProductSimilarity)]
    [InlineData(DistanceFunction.ManhattanDistance)]
    public void ChunkRecordDefinition_LowerIsBetterDistance_Throws(string distance)
    {
        var ex = Assert.Throws<ArgumentException>(() => ChunkRecordDefinition.Create(8, distance));

        Assert.Equal("distanceFunction", ex.ParamName);
        Assert.Contains(DistanceFunction.CosineSimilarity, ex.Message, StringComparison.Ordinal);
        Assert.Contains(DistanceFunction.DotProductSimilarity, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DistanceFunction.CosineSimilarity)]
    [InlineData(DistanceFunction.DotProductSimilarity)]
    public void ChunkRecordDefinition_Similarity_IsAccepted(string distance) =>
        Assert.NotNull(ChunkRecordDefinition.Create(8, distance));

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void AddLlamaDbRetrieval_UnknownRerankerProvider_ThrowsNamingSettingAndAllowedValues()
    {
        var services = new ServiceCollection();

        var ex = Assert.Throws<InvalidOperationException>(() => services.AddLlamaDbRetrieval(Config(("LlamaDb:Reranker:Provider", "cohre"))));

        Assert.Contains("LlamaDb:Reranker:Provider", ex.Message, StringComparison.Ordinal);
        Assert.Contains("cohre", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'cohere'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AddCrossEncoderReranker", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddLlamaDbRetrieval_OnnxProviderWithoutCrossEncoder_ResolveSaysToCallAddCrossEncoderReranker()
    {
        var services = new ServiceCollection();
        services.AddLlamaDbRetrieval(Config(("LlamaDb:Reranker:Provider", "onnx")));
        await using ServiceProvider provider = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetService<IReranker>());

        Assert.Contains("AddCrossEncoderReranker", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddLlamaDbRetrieval_OnnxProviderWithRerankerAddedLater_UsesIt()
    {
        var services = new ServiceCollection();
        services.AddLlamaDbRetrieval(Config(("LlamaDb:Reranker:Provider", "onnx")));
        ScriptedReranker reranker = ScriptedReranker.Favoring("x");
        services.AddSingleton<IReranker>(reranker);
        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Same(reranker, provider.GetService<IReranker>());
    }

    [Fact]
    public async Task AddLlamaDbRetrieval_EmbedderTokenCounter_IsNotThePromptCounter()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ITokenCounter>(TokenCounter.Create(_ => 1));
        services.AddLlamaDbRetrieval();
        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Same(ApproximatePromptTokenCounter.Instance, provider.GetRequiredService<IPromptTokenCounter>());
    }

    [Fact]
    public async Task AddLlamaDbRetrieval_RetrievalDefaultsFromConfiguration_ReachThePipeline()
    {
        var services = new ServiceCollection();
        services.AddSingleton<VectorStoreCollection<string, ChunkRecord>>(_store.Collection);
        services.AddSingleton<IChatClient>(new RecordingChatClient("ok"));
        services.AddLlamaDbRetrieval(Config(("LlamaDb:Retrieval:Defaults:Mode", "Keyword")));
        await using ServiceProvider provider = services.BuildServiceProvider();

        RagAnswer answer = await provider.GetRequiredService<RagPipeline>().AskAsync("potassium?");

        Assert.Equal(["fruit"], answer.Sources.Select(s => s.DocumentId));
    }
}
