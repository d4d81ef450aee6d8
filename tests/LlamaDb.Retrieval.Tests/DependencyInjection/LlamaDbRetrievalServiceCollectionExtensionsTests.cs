using LlamaDb.Retrieval.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlamaDb.Retrieval.Tests.DependencyInjection;

public sealed class LlamaDbRetrievalServiceCollectionExtensionsTests
{
    private static readonly RetrievedChunk[] s_chunks =
    [
        FixedRetriever.Chunk("a", 0, "Alpha text.", 0.9),
        FixedRetriever.Chunk("b", 0, "Beta text.", 0.3),
    ];

    [Fact]
    public async Task AddLlamaDbRetrieval_ConfigurationSection_BindsAnswersAndTools()
    {
        IConfiguration config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LlamaDb:Answers:Top"] = "7",
            ["LlamaDb:Answers:MinRelevanceScore"] = "0.5",
            ["LlamaDb:Answers:NotFoundAnswer"] = "Not in the docs.",
            ["LlamaDb:Tools:SearchToolName"] = "find_docs",
            ["LlamaDb:Tools:MaxTop"] = "3",
        }).Build();
        var retriever = new FixedRetriever(s_chunks);
        var chat = new RecordingChatClient("Alpha [1].");
        var services = new ServiceCollection();
        services.AddSingleton<IRetriever>(retriever);
        services.AddSingleton<IChatClient>(chat);
        services.AddLlamaDbRetrieval(config, o => o.Answers.MaxContextTokens = 500);
        await using ServiceProvider provider = services.BuildServiceProvider();

        LlamaDbRetrievalOptions options = provider.GetRequiredService<IOptions<LlamaDbRetrievalOptions>>().Value;
        Assert.Equal((7, 0.5, 500, "Not in the docs."), (options.Answers.Top, options.Answers.MinRelevanceScore!.Value, options.Answers.MaxContextTokens, options.Answers.NotFoundAnswer));
        Assert.Equal(("find_docs", 3), (options.Tools.SearchToolName, options.Tools.MaxTop));

        RagPipeline pipeline = provider.GetRequiredService<RagPipeline>();
        Assert.Same(pipeline, provider.GetRequiredService<RagPipeline>());
        RagAnswer answer = await pipeline.AskAsync("alpha?");
        Assert.Equal(7, retriever.Calls[0].Options!.Top);
        Assert.Equal(["a"], answer.Sources.Select(s => s.DocumentId)); // 0.3 is under the configured threshold
        Assert.Equal(["find_docs", "ask_knowledge_base"], provider.GetServices<AITool>().Select(t => t.Name));
    }

    [Fact]
    public void AddLlamaDbRetrieval_LlamaDbSectionItself_IsAcceptedToo()
    {
        IConfiguration config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LlamaDb:Answers:Top"] = "4",
        }).Build();
        var services = new ServiceCollection();
        services.AddLlamaDbRetrieval(config.GetSection("LlamaDb"));
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Equal(4, provider.GetRequiredService<IOptions<LlamaDbRetrievalOptions>>().Value.Answers.Top);
    }

    [Fact]
    public void AddLlamaDbRetrieval_NoChunkCollectionRegistered_FailsOnResolveNamingIt()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IChatClient>(new RecordingChatClient("x"));
        services.AddLlamaDbRetrieval();
        using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<RagPipeline>());

        Assert.Contains("VectorStoreCollection", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddLlamaDbRetrieval_WithAnEmbeddedChunkCollection_IngestsRetrievesAndAnswers()
    {
        string root = Path.Combine(Path.GetTempPath(), "llamadb-di-" + Guid.NewGuid().ToString("N"));
        try
        {
            IConfiguration config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["LlamaDb:Chunking:MaxTokens"] = "32",
                ["LlamaDb:Retrieval:Defaults:Mode"] = "Keyword",
            }).Build();
            var services = new ServiceCollection();
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(new TestEmbeddingGenerator(16));
            services.AddSingleton<IChatClient>(new RecordingChatClient("Pasta boils in salted water [1]."));
            services.AddHnswVectorStore(root);
            services.AddHnswCollection<string, ChunkRecord>("chunks", o => o.Definition = ChunkRecordDefinition.Create(16));
            services.AddLlamaDbRetrieval(config);
            await using ServiceProvider provider = services.BuildServiceProvider();
            var collection = provider.GetRequiredService<LlamaDb.VectorData.VectorStoreCollection<string, ChunkRecord>>();
            await collection.EnsureCollectionExistsAsync();

            IngestionResult ingested = await provider.GetRequiredService<IngestionPipeline>().IngestAsync(
            [
                new Document("pasta", "pasta.md", "Boil pasta in plenty of salted water for nine minutes. Drain and serve with sauce.", "Pasta"),
                new Document("bread", "bread.md", "Knead the dough, let it rise for an hour, and bake it until golden.", "Bread"),
            ]);
            IReadOnlyList<RetrievedChunk> found = await provider.GetRequiredService<IRetriever>().RetrieveAsync("salted water", new RetrievalOptions { Mode = RetrievalMode.Keyword, Top = 1 });
            RagAnswer answer = await provider.GetRequiredService<RagPipeline>().AskAsync("How do I cook pasta?", new RagOptions { Retrieval = new RetrievalOptions { Mode = RetrievalMode.Keyword } });

            Assert.Equal(2, ingested.Progress.Documents);
            Assert.Equal("pasta", Assert.Single(found).DocumentId);
            Assert.Contains(answer.Citations, c => c.DocumentId == "pasta");
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    [Fact]
    public void AddLlamaDbRetrieval_InvalidOption_FailsOnResolveNamingIt()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IRetriever>(new FixedRetriever());
        services.AddSingleton<IChatClient>(new RecordingChatClient("x"));
        services.AddLlamaDbRetrieval(configure: o => o.Answers.Top = 0);
        using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => provider.GetRequiredService<RagPipeline>());

        Assert.Equal("Top", error.ParamName);
    }

    [Fact]
    public void AddLlamaDbRetrieval_CalledTwice_RegistersOnce()
    {
        var services = new ServiceCollection();
        services.AddLlamaDbRetrieval();
        services.AddLlamaDbRetrieval();

        Assert.Single(services, d => d.ServiceType == typeof(RagPipeline));
        Assert.Equal(2, services.Count(d => d.ServiceType == typeof(AITool)));
        Assert.Single(services, d => d.ServiceType == typeof(IPromptTokenCounter));
    }

    [Fact]
    public async Task AddLlamaDbRetrieval_CustomTokenCounterRegisteredFirst_IsUsed()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IRetriever>(new FixedRetriever(s_chunks));
        services.AddSingleton<IChatClient>(new RecordingChatClient("x"));
        services.AddSingleton<IPromptTokenCounter>(new HugeCounter());
        services.AddLlamaDbRetrieval();
        await using ServiceProvider provider = services.BuildServiceProvider();

        RagAnswer answer = await provider.GetRequiredService<RagPipeline>().AskAsync("q");

        Assert.True(answer.NothingFound); // Every source is "larger" than the budget.
    }

    private sealed class HugeCounter : IPromptTokenCounter
    {
        public int CountTokens(string text) => int.MaxValue / 4;
    }
}
