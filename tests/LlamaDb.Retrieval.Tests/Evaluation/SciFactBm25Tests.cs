using LlamaDb.Connectors.Hnsw;
using LlamaDb.VectorData;
using Microsoft.Extensions.AI;

namespace LlamaDb.Retrieval.Tests.Evaluation;

/// <summary>
/// BM25 on the real BEIR SciFact test split (../shared/data/scifact) through the embedded store's full-text index, set
/// up the way <c>llamadb eval retrieval --mode bm25</c> does: one record per document (title + " " + text), keyword-only
/// search (<see cref="IKeywordSearchable{TRecord}"/>); the vector property is a constant one-dimensional embedding, never searched.
/// </summary>
public sealed class SciFactBm25Tests
{
    [Fact]
    public async Task Bm25_SciFactTest_ReachesTheBeirPaperNdcgAt10()
    {
        string datasetPath = Path.Combine(TestPaths.SharedDirectory, "data", "scifact");
        Assert.True(File.Exists(Path.Combine(datasetPath, "corpus.jsonl")), $"SciFact is missing at {datasetPath}.");
        BeirDataset dataset = await BeirDataset.LoadAsync(datasetPath);
        Assert.Equal(5183, dataset.Corpus.Count);
        Assert.Equal(300, dataset.Queries.Count);

        using var dir = new TempDirectory();
        using var store = new HnswVectorStore(dir.Path);
        var options = new HnswCollectionOptions
        {
            Definition = ChunkRecordDefinition.Create(1, indexKind: IndexKind.Flat),
            EmbeddingGenerator = new ConstantEmbeddingGenerator(),
            Durability = HnswDurability.GroupCommit,
        };
        using HnswCollection<string, ChunkRecord> collection = store.GetCollection<string, ChunkRecord>("scifact", options);
        await RetrievalEvaluator.IndexCorpusAsync(collection, dataset);

        RetrievalEvaluation result = await RetrievalEvaluator.EvaluateAsync(dataset, (query, top, token) =>
            RetrievalEvaluator.ToDocumentIdsAsync(
                collection.KeywordSearchAsync([query], top, new KeywordSearchOptions<ChunkRecord> { FullTextProperty = static r => r.Text }, token), token));

        Assert.Equal(300, result.Queries);
        Assert.True(result.NdcgAt10 >= 0.665, $"BM25 nDCG@10 on SciFact is {result.NdcgAt10:F4}, below the BEIR paper's 0.665.");
        Assert.InRange(result.RecallAt100, result.NdcgAt10, 1.0);
    }

    /// <summary>Every text gets the same unit vector (the record type has a text-embedded vector property).</summary>
    private sealed class ConstantEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(_ => new Embedding<float>(new float[] { 1f }))));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
