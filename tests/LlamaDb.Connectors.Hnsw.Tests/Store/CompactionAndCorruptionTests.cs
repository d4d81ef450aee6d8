using LlamaDb.Connectors.Hnsw.Storage;
using LlamaDb.VectorData;

namespace LlamaDb.Connectors.Hnsw.Tests.Store;

public sealed class CompactionAndCorruptionTests : IDisposable
{
    private readonly string _root = StoreTestData.TempRoot();

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static HnswCollection<long, Doc> Docs(HnswVectorStore store, long checkpointAfter = 64L * 1024 * 1024) =>
        store.GetCollection<long, Doc>("docs", new HnswCollectionOptions { Seed = 3, CheckpointAfterLogBytes = checkpointAfter });

    [Fact]
    public async Task CompactAsync_AfterDeletingHalf_KeepsRecordsRecallAndSearchesAfterReopen()
    {
        float[][] vectors = StoreTestData.Clustered(2000, 32, seed: 31);
        float[][] queries = StoreTestData.Clustered(40, 32, seed: 32);
        using (var store = new HnswVectorStore(_root))
        {
            HnswCollection<long, Doc> docs = Docs(store);
            await docs.EnsureCollectionExistsAsync();
            await docs.UpsertAsync(vectors.Select((v, i) => StoreTestData.MakeDoc(i, v)));
            await docs.DeleteAsync(Enumerable.Range(0, 2000).Where(i => i % 2 == 0).Select(i => (long)i));
            await docs.CompactAsync();
            Assert.Equal(1000, docs.Count);
            Assert.True(await RecallAsync(docs, vectors, queries) >= 0.95);
            await docs.UpsertAsync(StoreTestData.MakeDoc(5000, vectors[2]));
        }

        using var reopened = new HnswVectorStore(_root);
        HnswCollection<long, Doc> again = Docs(reopened);
        Assert.Equal(1001, again.Count);
        Assert.True(await RecallAsync(again, vectors, queries, extra: (5000, vectors[2])) >= 0.95);
        Assert.Equal("cat1", (await again.GetAsync(1001))!.Category);
        var hybrid = new List<long>();
        await foreach (VectorSearchResult<Doc> hit in again.HybridSearchAsync(vectors[1], ["number", "1999"], 5))
        {
            hybrid.Add(hit.Record.Id);
        }

        Assert.Contains(1999L, hybrid);
        Assert.Single(Directory.GetFiles(Path.Combine(_root, "docs"), "payload.*.bin"));
    }

    [Fact]
    public async Task Checkpoint_PastTombstoneRatio_CompactsAutomatically()
    {
        float[][] vectors = StoreTestData.Clustered(1500, 32, seed: 41);
        using var store = new HnswVectorStore(_root);
        HnswCollection<long, Doc> docs = store.GetCollection<long, Doc>("docs", new HnswCollectionOptions { Seed = 3, CompactionTombstoneRatio = 0.3 });
        await docs.EnsureCollectionExistsAsync();
        await docs.UpsertAsync(vectors.Select((v, i) => StoreTestData.MakeDoc(i, v)));
        await docs.DeleteAsync(Enumerable.Range(0, 600).Select(i => (long)i));
        Assert.Equal(0.4, docs.EngineForTests.TombstoneRatio, 3);
        await docs.CheckpointAsync();

        Assert.Equal(0, docs.EngineForTests.TombstoneRatio);
        Assert.Equal(900, docs.Count);
        Assert.Null(await docs.GetAsync(10));
        Assert.NotNull(await docs.GetAsync(1400));
    }

    private static async Task<double> RecallAsync(HnswCollection<long, Doc> docs, float[][] vectors, float[][] queries, (long Id, float[] Vector)? extra = null)
    {
        var live = Enumerable.Range(0, vectors.Length).Where(i => i % 2 == 1).Select(i => ((long)i, vectors[i])).ToList();
        if (extra is { } e)
        {
            live.Add(e);
        }

        double total = 0;
        foreach (float[] query in queries)
        {
            HashSet<long> truth = StoreTestData.TrueTop(query, live, 10);
            int hits = 0;
            await foreach (VectorSearchResult<Doc> result in docs.SearchAsync(query, 10))
            {
                hits += truth.Contains(result.Record.Id) ? 1 : 0;
            }

            total += hits / 10.0;
        }

        return total / queries.Length;
    }

    /// <summary>
    /// Seeded damage (truncation or bit flips) to each kind of file: opening either gives a state some prefix of the
    /// acknowledged operations produced (a torn log tail), or throws one of the documented exceptions. Never another
    /// exception, and never records that no prefix had.
    /// </summary>
    [Theory]
    [InlineData("collection.json")]
    [InlineData("checkpoint.bin")]
    [InlineData("payload.")]
    [InlineData("vectors.")]
    [InlineData("fulltext.")]
    [InlineData("wal.log")]
    public async Task Open_DamagedFile_RecoversAPrefixOrThrowsDocumentedException(string fileKind)
    {
        string pristine = Path.Combine(_root, "pristine");
        float[][] vectors = StoreTestData.Clustered(120, 32, seed: 51);
        var states = new List<Dictionary<long, string>>();
        var state = new Dictionary<long, string>();
        using (var store = new HnswVectorStore(pristine))
        {
            HnswCollection<long, Doc> docs = Docs(store);
            await docs.EnsureCollectionExistsAsync();
            for (int i = 0; i < 60; i++)
            {
                Doc doc = StoreTestData.MakeDoc(i, vectors[i]);
                await docs.UpsertAsync(doc);
                state[i] = doc.Text;
            }

            await docs.CheckpointAsync();
            states.Add(new Dictionary<long, string>(state));
            for (int i = 60; i < 90; i++)
            {
                if (i % 5 == 0)
                {
                    await docs.DeleteAsync(i - 50);
                    state.Remove(i - 50);
                }
                else
                {
                    Doc doc = StoreTestData.MakeDoc(i, vectors[i]);
                    await docs.UpsertAsync(doc);
                    state[i] = doc.Text;
                }

                states.Add(new Dictionary<long, string>(state));
            }
        }

        var random = new Random(fileKind.GetHashCode(StringComparison.Ordinal) & 0x7fff);
        int recovered = 0, refused = 0;
        for (int trial = 0; trial < 25; trial++)
        {
            string copy = Path.Combine(_root, $"trial-{trial}");
            CopyDirectory(pristine, copy);
            string collection = Path.Combine(copy, "docs");
            string file = Directory.GetFiles(collection).First(f => Path.GetFileName(f).StartsWith(fileKind, StringComparison.Ordinal));
            Damage(file, random);

            try
            {
                using var store = new HnswVectorStore(copy);
                HnswCollection<long, Doc> docs = Docs(store);
                var actual = new Dictionary<long, string>();
                for (long id = 0; id < 90; id++)
                {
                    if (await docs.GetAsync(id) is { } doc)
                    {
                        actual[id] = doc.Text;
                    }
                }

                Assert.True(states.Any(s => s.Count == actual.Count && s.All(p => actual.TryGetValue(p.Key, out string? t) && t == p.Value)), $"{fileKind} trial {trial}: the reopened state is no prefix of the acknowledged operations");
                Assert.Equal(actual.Count, docs.Count);
                recovered++;
            }
            catch (Exception ex) when (ex is SnapshotCorruptedException or WalCorruptedException or InvalidDataException)
            {
                Assert.Contains(collection, ex.Message, StringComparison.Ordinal);
                refused++;
            }
        }

        Assert.Equal(25, recovered + refused);
    }

    private static void Damage(string file, Random random)
    {
        byte[] bytes = File.ReadAllBytes(file);
        if (random.Next(2) == 0 && bytes.Length > 1)
        {
            Array.Resize(ref bytes, random.Next(bytes.Length));
        }
        else
        {
            int flips = 1 + random.Next(3);
            for (int i = 0; i < flips && bytes.Length > 0; i++)
            {
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            }
        }

        File.WriteAllBytes(file, bytes);
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            if (Path.GetFileName(file) == "LOCK")
            {
                continue;
            }

            string destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
