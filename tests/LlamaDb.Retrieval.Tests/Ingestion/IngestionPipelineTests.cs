using LlamaDb.Connectors.Hnsw;
using LlamaDb.VectorData;

namespace LlamaDb.Retrieval.Tests.Ingestion;

/// <summary>The pipeline against the real embedded store and the deterministic test embedder.</summary>
public sealed class IngestionPipelineTests : IDisposable
{
    private const int Dimensions = 32;
    private readonly TempDirectory _dir = new();
    private readonly TestEmbeddingGenerator _generator = new(Dimensions);
    private readonly HnswVectorStore _store;
    private readonly VectorStoreCollection<string, ChunkRecord> _collection;

    public IngestionPipelineTests()
    {
        _store = new HnswVectorStore(_dir.Path, new HnswVectorStoreOptions { EmbeddingGenerator = _generator });
        _collection = _store.GetCollection<string, ChunkRecord>("docs", ChunkRecordDefinition.Create(Dimensions));
    }

    public void Dispose()
    {
        _collection.Dispose();
        _store.Dispose();
        _dir.Dispose();
    }

    private static readonly ChunkerOptions s_small = new() { MaxTokens = 6 };

    private IngestionPipeline Pipeline(IngestionOptions? options = null) =>
        new(_collection, new SentenceChunker(s_small), options ?? new IngestionOptions { BatchSize = 3, DocumentsPerGroup = 2, MaxDegreeOfParallelism = 2 });

    private async Task<List<ChunkRecord>> ChunksOf(string documentId) =>
        await _collection.GetAsync(r => r.DocumentId == documentId, 1000).OrderBy(r => r.ChunkIndex).ToListAsync();

    private static Document Doc(string id, string text) => new(id, id + ".txt", text, "Title " + id);

    [Fact]
    public async Task IngestAsync_NewDocuments_StoresEveryChunkWithOffsetsAndReportsProgress()
    {
        Document[] documents =
        [
            Doc("a", "Alpha beta gamma. Delta epsilon zeta. Eta theta."),
            Doc("b", "Cooking pasta needs water. Salt the water well."),
            Doc("c", "One."),
        ];
        var progress = new SynchronousProgress<IngestionProgress>();
        IngestionResult result = await Pipeline().IngestAsync(documents, progress);

        int expectedChunks = 0;
        foreach (Document document in documents)
        {
            IReadOnlyList<Chunk> chunks = await new SentenceChunker(s_small).ChunkAsync(document);
            expectedChunks += chunks.Count;
            List<ChunkRecord> stored = await ChunksOf(document.Id);
            Assert.Equal(chunks.Select(c => c.Text), stored.Select(r => r.Text));
            Assert.All(stored, r =>
            {
                Assert.Equal(document.Text[r.StartOffset..r.EndOffset], r.Text);
                Assert.Equal($"{document.Id}#{r.ChunkIndex}", r.Id);
                Assert.Equal(IngestionPipeline.StoredHash(document.ContentHash, IngestionFingerprint.Create(new SentenceChunker(s_small))), r.ContentHash);
                Assert.Equal(document.Source, r.Source);
                Assert.Equal(document.Title, r.Title);
            });
        }

        Assert.Equal(3, result.Progress.Documents);
        Assert.Equal(expectedChunks, result.Progress.Chunks);
        Assert.True(expectedChunks > 3);
        Assert.Empty(result.Failures);
        Assert.Equal(2, progress.Items.Count); // groups of two documents
        Assert.Equal(3, progress.Items.Max(p => p.Documents));
        Assert.Equal(expectedChunks, progress.Items.Max(p => p.Chunks));
        Assert.True(result.Progress.Tokens >= expectedChunks);

        VectorSearchResult<ChunkRecord> top = await _collection.SearchAsync("salt water pasta", 1).FirstAsync();
        Assert.Equal("b", top.Record.DocumentId);
    }

    [Fact]
    public async Task IngestAsync_SameDocumentsAgain_SkipsThemWithoutEmbedding()
    {
        Document[] documents = [Doc("a", "Alpha beta gamma. Delta epsilon zeta."), Doc("b", "Cooking pasta needs water.")];
        await Pipeline().IngestAsync(documents);
        int calls = _generator.CallCount;

        IngestionResult again = await Pipeline().IngestAsync(documents);
        Assert.Equal(2, again.Progress.DocumentsSkipped);
        Assert.Equal(0, again.Progress.Chunks);
        Assert.Equal(calls, _generator.CallCount);

        IngestionResult forced = await Pipeline(new IngestionOptions { Force = true }).IngestAsync(documents);
        Assert.Equal(0, forced.Progress.DocumentsSkipped);
        Assert.True(_generator.CallCount > calls);
    }

    [Fact]
    public async Task IngestAsync_ChangedDocument_ReplacesChunksAndDeletesStaleOnes()
    {
        await Pipeline().IngestAsync([Doc("a", "Alpha beta gamma. Delta epsilon zeta. Eta theta iota."), Doc("b", "Bravo charlie.")]);
        Assert.Equal(3, (await ChunksOf("a")).Count);

        Document changed = Doc("a", "New words here.");
        IngestionResult result = await Pipeline().IngestAsync([changed, Doc("b", "Bravo charlie.")]);

        List<ChunkRecord> stored = await ChunksOf("a");
        ChunkRecord only = Assert.Single(stored);
        Assert.Equal("New words here.", only.Text);
        Assert.Equal(IngestionPipeline.StoredHash(changed.ContentHash, IngestionFingerprint.Create(new SentenceChunker(s_small))), only.ContentHash);
        Assert.Equal(1, result.Progress.DocumentsSkipped);
        Assert.Equal(2, result.Progress.ChunksDeleted);
        Assert.Null(await _collection.GetAsync("a#1"));
        Assert.Null(await _collection.GetAsync("a#2"));
    }

    [Fact]
    public async Task IngestAsync_InterruptedWrite_IsRedoneNotSkipped()
    {
        Document document = Doc("a", "Alpha beta gamma. Delta epsilon zeta. Eta theta iota.");
        IReadOnlyList<Chunk> chunks = await new SentenceChunker(s_small).ChunkAsync(document);

        // What a crash after the first upsert leaves: only the last chunk (written first), with the new hash.
        await _collection.EnsureCollectionExistsAsync();
        await _collection.UpsertAsync(IngestionPipeline.ToRecord(document, chunks[^1]));

        IngestionResult result = await Pipeline().IngestAsync([document]);
        Assert.Equal(0, result.Progress.DocumentsSkipped);
        Assert.Equal(chunks.Count, (await ChunksOf("a")).Count);
    }

    [Fact]
    public async Task DeleteDocumentAsync_RemovesAllItsChunksOnly()
    {
        await Pipeline().IngestAsync([Doc("a", "Alpha beta gamma. Delta epsilon zeta."), Doc("b", "Bravo charlie.")]);
        int deleted = await Pipeline().DeleteDocumentAsync("a");
        Assert.Equal(2, deleted);
        Assert.Empty(await ChunksOf("a"));
        Assert.Single(await ChunksOf("b"));
        Assert.Equal(0, await Pipeline().DeleteDocumentAsync("missing"));
    }

    [Fact]
    public async Task IngestAsync_DuplicateIdsAndFailingChunker_AreReportedAndTheRestIngested()
    {
        var pipeline = new IngestionPipeline(_collection, new ThrowingChunker("bad", new SentenceChunker(s_small)));
        IngestionResult result = await pipeline.IngestAsync([Doc("a", "Alpha."), Doc("bad", "Boom."), Doc("a", "Again.")]);
        Assert.Equal(3, result.Progress.Documents);
        Assert.Equal(2, result.Progress.DocumentsFailed);
        Assert.Equal(["a", "bad"], result.Failures.Select(f => f.DocumentId).Order(StringComparer.Ordinal));
        Assert.Equal("Alpha.", Assert.Single(await ChunksOf("a")).Text);
    }

    private sealed class ThrowingChunker(string failingId, IChunker inner) : IChunker
    {
        public Task<IReadOnlyList<Chunk>> ChunkAsync(Document document, CancellationToken cancellationToken = default) =>
            document.Id == failingId ? throw new InvalidOperationException("chunker failed") : inner.ChunkAsync(document, cancellationToken);
    }

    [Fact]
    public async Task IngestAsync_ChunkerMaxTokensChanged_RechunksUnchangedDocument()
    {
        string text = string.Join(" ", Enumerable.Range(0, 120).Select(i => $"Sentence number {i} talks about topic {i % 7}."));
        Document document = Doc("long", text);
        var options = new IngestionOptions { BatchSize = 16 };

        await new IngestionPipeline(_collection, new RecursiveChunker(new ChunkerOptions { MaxTokens = 64 }), options).IngestAsync([document]);
        List<ChunkRecord> before = await ChunksOf("long");

        IngestionResult result = await new IngestionPipeline(_collection, new RecursiveChunker(new ChunkerOptions { MaxTokens = 128 }), options).IngestAsync([Doc("long", text)]);
        List<ChunkRecord> after = await ChunksOf("long");

        IReadOnlyList<Chunk> expected = await new RecursiveChunker(new ChunkerOptions { MaxTokens = 128 }).ChunkAsync(document);
        Assert.Equal(0, result.Progress.DocumentsSkipped);
        Assert.NotEqual(before.Count, after.Count);
        Assert.Equal(expected.Select(c => c.Id), after.Select(r => r.Id));
        Assert.Equal(expected.Select(c => c.Text), after.Select(r => r.Text));
        Assert.Equal(before.Count - after.Count, result.Progress.ChunksDeleted);
        Assert.Single(after.Select(r => r.ContentHash).Distinct());
    }

    [Fact]
    public async Task IngestAsync_SameConfigurationTwice_SkipsSecondTime()
    {
        var options = new IngestionOptions { BatchSize = 16 };
        await new IngestionPipeline(_collection, new RecursiveChunker(new ChunkerOptions { MaxTokens = 64 }), options).IngestAsync([Doc("x", "Alpha beta. Gamma delta.")]);

        IngestionResult again = await new IngestionPipeline(_collection, new RecursiveChunker(new ChunkerOptions { MaxTokens = 64 }), options).IngestAsync([Doc("x", "Alpha beta. Gamma delta.")]);

        Assert.Equal(1, again.Progress.DocumentsSkipped);
    }

    [Fact]
    public async Task IngestAsync_ExplicitFingerprintChanged_Rechunks()
    {
        await Pipeline(new IngestionOptions { ConfigurationFingerprint = "model-a" }).IngestAsync([Doc("y", "Alpha beta. Gamma delta.")]);

        IngestionResult again = await Pipeline(new IngestionOptions { ConfigurationFingerprint = "model-b" }).IngestAsync([Doc("y", "Alpha beta. Gamma delta.")]);

        Assert.Equal(0, again.Progress.DocumentsSkipped);
    }

    [Fact]
    public void Fingerprint_DiffersByChunkerOptionsAndEmbeddingModel()
    {
        string small = IngestionFingerprint.Create(new RecursiveChunker(new ChunkerOptions { MaxTokens = 64 }));
        string large = IngestionFingerprint.Create(new RecursiveChunker(new ChunkerOptions { MaxTokens = 128 }));
        string window = IngestionFingerprint.Create(new TokenWindowChunker(new ChunkerOptions { MaxTokens = 64, OverlapTokens = 8 }));
        string window16 = IngestionFingerprint.Create(new TokenWindowChunker(new ChunkerOptions { MaxTokens = 64, OverlapTokens = 16 }));
        string withModel = IngestionFingerprint.Create(new RecursiveChunker(new ChunkerOptions { MaxTokens = 64 }), new Microsoft.Extensions.AI.EmbeddingGeneratorMetadata("p", null, "m1", 8));

        Assert.Equal(small, IngestionFingerprint.Create(new RecursiveChunker(new ChunkerOptions { MaxTokens = 64 })));
        Assert.Equal(5, new[] { small, large, window, window16, withModel }.Distinct().Count());
    }
}
