using LlamaDb.Connectors.Hnsw;
using LlamaDb.Retrieval.Tests.Reranking;
using LlamaDb.Retrieval.Tests.Retrieval;
using LlamaDb.VectorData;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlamaDb.Retrieval.Tests.DependencyInjection;

public sealed class RetrievalServiceCollectionTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "llamadb-retrieval-di-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private ServiceCollection StoreServices(object? collectionKey = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(new TestEmbeddingGenerator(ChunkStore.Dimensions));
        if (collectionKey is null)
        {
            services.AddHnswVectorStore(_root);
            services.AddHnswCollection<string, ChunkRecord>("chunks", o => o.Definition = ChunkRecordDefinition.Create(ChunkStore.Dimensions));
        }
        else
        {
            services.AddKeyedHnswVectorStore(collectionKey, _root);
            services.AddKeyedHnswCollection<string, ChunkRecord>(collectionKey, "chunks", o => o.Definition = ChunkRecordDefinition.Create(ChunkStore.Dimensions));
        }

        return services;
    }

    private static async Task FillAsync(VectorStoreCollection<string, ChunkRecord> collection)
    {
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(ChunkStore.Chunks);
    }

    [Fact]
    public async Task AddRetrieverAndCohereRerankerFromConfiguration_RetrievesAndReranksThroughTheServer()
    {
        await using RerankTestServer server = await RerankTestServer.StartAsync();
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LlamaDb:Reranker:Endpoint"] = server.BaseAddress.ToString(),
            ["LlamaDb:Reranker:ApiKey"] = "di-key",
            ["LlamaDb:Reranker:Model"] = "rerank-di",
            ["LlamaDb:Retrieval:Defaults:Mode"] = "Vector",
            ["LlamaDb:Retrieval:Defaults:Top"] = "2",
            ["LlamaDb:Retrieval:Defaults:Candidates"] = "5",
            ["LlamaDb:Retrieval:ThrowOnRerankFailure"] = "true",
        }).Build();
        ServiceCollection services = StoreServices();
        services.AddCohereReranker(configuration.GetSection("LlamaDb:Reranker"));
        services.AddRetriever(configuration.GetSection("LlamaDb:Retrieval"));
        await using ServiceProvider provider = services.BuildServiceProvider();
        await FillAsync(provider.GetRequiredService<VectorStoreCollection<string, ChunkRecord>>());

        IRetriever retriever = provider.GetRequiredService<IRetriever>();
        IReadOnlyList<RetrievedChunk> results = await retriever.RetrieveAsync("eiffel tower");

        Assert.Same(provider.GetRequiredService<Retriever>(), retriever);
        Assert.IsType<CohereReranker>(provider.GetRequiredService<Retriever>().Reranker);
        Assert.Equal(2, results.Count);
        Assert.Equal("paris#1", results[0].ChunkId);
        Assert.Equal(0.2, results[0].RerankScore);
        RerankTestServer.RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("Bearer di-key", request.Authorization);
        Assert.Equal("rerank-di", request.Model);
        Assert.Equal(5, request.Documents.Length);
    }

    [Fact]
    public async Task AddRetriever_ConfigureDefaults_UsedWhenNoOptionsPassed()
    {
        ServiceCollection services = StoreServices();
        services.AddRetriever(o => o.Defaults = new RetrievalOptions { Mode = RetrievalMode.Keyword, Top = 1 });
        await using ServiceProvider provider = services.BuildServiceProvider();
        await FillAsync(provider.GetRequiredService<VectorStoreCollection<string, ChunkRecord>>());

        IReadOnlyList<RetrievedChunk> results = await provider.GetRequiredService<IRetriever>().RetrieveAsync("potassium");

        Assert.Equal("fruit#0", Assert.Single(results).ChunkId);
        Assert.Null(results[0].RerankScore);
    }

    [Fact]
    public async Task AddKeyedRetriever_UsesTheCollectionUnderTheSameKey()
    {
        ServiceCollection services = StoreServices(collectionKey: "kb");
        services.AddKeyedRetriever("kb");
        await using ServiceProvider provider = services.BuildServiceProvider();
        await FillAsync(provider.GetRequiredKeyedService<VectorStoreCollection<string, ChunkRecord>>("kb"));

        IReadOnlyList<RetrievedChunk> results = await provider.GetRequiredKeyedService<IRetriever>("kb").RetrieveAsync("smoothie", new RetrievalOptions { Mode = RetrievalMode.Keyword });

        Assert.Equal("fruit#1", Assert.Single(results).ChunkId);
    }

    [Fact]
    public async Task Registration_DoesNoIo_MissingPiecesFailOnlyWhenResolved()
    {
        var services = new ServiceCollection();
        services.AddCohereReranker(o => o.Endpoint = new Uri("http://127.0.0.1:9/"));
        services.AddKeyedCohereReranker("other", o => o.ApiKey = string.Empty);
        services.AddRetriever();
        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.IsType<CohereReranker>(provider.GetRequiredService<IReranker>());
        Assert.IsType<CohereReranker>(provider.GetRequiredKeyedService<IReranker>("other"));
        Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IRetriever>());
    }
}
