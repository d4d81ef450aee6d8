using LlamaDb.Connectors.Hnsw;
using LlamaDb.Embedders.Onnx;
using LlamaDb.VectorData;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace LlamaDb.Retrieval.Onnx.Tests.Chunking;

public sealed class BertTokenCounterServiceCollectionTests
{
    private static string Model => TestPaths.Models("synthetic-embedder-tiny");

    [Fact]
    public async Task AddBertTokenCounter_ThroughAddLlamaDbRetrieval_ChunksFitTheModelWindow()
    {
        string dir = Path.Combine(Path.GetTempPath(), "llamadb-berttc-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var generator = new OnnxEmbeddingGenerator(Model);
            using var store = new HnswVectorStore(dir, new HnswVectorStoreOptions { EmbeddingGenerator = generator });
            var services = new ServiceCollection();
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(generator);
            services.AddSingleton(_ => store.GetCollection<string, ChunkRecord>("docs", ChunkRecordDefinition.Create(generator.Dimensions)));
            services.AddBertTokenCounter();
            services.AddLlamaDbRetrieval();
            await using ServiceProvider provider = services.BuildServiceProvider();

            Assert.IsType<BertTokenCounter>(provider.GetRequiredService<ITokenCounter>());
            Assert.Equal(generator.MaxSequenceLength - 2, provider.GetRequiredService<ChunkerOptions>().MaxTokens);

            string text = string.Join(' ', Enumerable.Range(0, 2000).Select(i => $"unaffable{i} tokenization"));
            IngestionResult result = await provider.GetRequiredService<IngestionPipeline>().IngestAsync([new Document("d", "d", text)]);
            Assert.Empty(result.Failures);

            var counter = new BertTokenCounter(generator.Tokenizer);
            VectorStoreCollection<string, ChunkRecord> collection = provider.GetRequiredService<VectorStoreCollection<string, ChunkRecord>>();
            List<ChunkRecord> chunks = await collection.GetAsync(r => r.DocumentId == "d", 10_000).ToListAsync();
            Assert.True(chunks.Count > 1);
            Assert.All(chunks, c => Assert.InRange(counter.CountTokens(c.Text), 1, generator.MaxSequenceLength - 2));
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
