using System.Collections.Concurrent;
using System.Globalization;
using LlamaDb.Connectors.Hnsw.FullText;

namespace LlamaDb.Connectors.Hnsw.Tests.FullText;

public sealed class Bm25IndexConcurrencyTests
{
    private const int StableDocs = 200;        // ids 0..199: "stable common ...", never touched
    private const int ChurnFirst = 1000;       // ids 1000..1499: upserted and removed at random
    private const int ChurnCount = 500;
    private const int RemovedFirst = 2000;     // ids 2000..2999: "common doomed", removed one by one
    private const int RemovedCount = 1000;

    [Fact]
    public void SearchWhileUpsertingAndRemoving_NeverThrowsNorReturnsRemovedDocuments()
    {
        using var index = new Bm25Index();
        var setup = new Random(42);
        for (int i = 0; i < StableDocs; i++)
        {
            index.Upsert(i, "stable common " + FullTextTestData.RandomText(setup, 6));
        }

        for (int i = 0; i < RemovedCount; i++)
        {
            index.Upsert(RemovedFirst + i, "common doomed " + FullTextTestData.RandomText(setup, 6));
        }

        int removedUpTo = 0; // documents RemovedFirst .. RemovedFirst + removedUpTo - 1 are gone
        var failures = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<Exception>();

        void Run(Action body)
        {
            try
            {
                body();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                errors.Enqueue(e);
            }
        }

        void Remover() => Run(() =>
        {
            for (int i = 0; i < RemovedCount; i++)
            {
                index.Remove(RemovedFirst + i);
                Volatile.Write(ref removedUpTo, i + 1);
            }
        });

        void Churner(int seed) => Run(() =>
        {
            var random = new Random(seed);
            for (int i = 0; i < 3000; i++)
            {
                int docId = ChurnFirst + random.Next(ChurnCount);
                if (random.Next(3) == 0)
                {
                    index.Remove(docId);
                }
                else
                {
                    index.Upsert(docId, "common churn " + FullTextTestData.RandomText(random, 10));
                }
            }
        });

        void Searcher(int seed) => Run(() =>
        {
            var random = new Random(seed);
            var results = new TextMatch[4000];
            for (int i = 0; i < 300; i++)
            {
                int removed = Volatile.Read(ref removedUpTo);
                string query = random.Next(2) == 0 ? "common doomed" : "common " + FullTextTestData.RandomText(random, 3);
                int count = index.Search(query, results.Length, results);
                for (int r = 0; r < count; r++)
                {
                    int docId = results[r].DocId;
                    if (docId >= RemovedFirst && docId < RemovedFirst + removed)
                    {
                        failures.Enqueue($"search {i}: document {docId} returned after {removed} removals had completed");
                    }

                    if (r > 0 && (results[r - 1].Score < results[r].Score || !float.IsFinite(results[r].Score)))
                    {
                        failures.Enqueue($"search {i}: results out of order at {r}");
                    }
                }

                int stable = index.Search("stable", results.Length, results);
                if (stable != StableDocs)
                {
                    failures.Enqueue($"search {i}: 'stable' found {stable} documents, expected {StableDocs}");
                }
            }
        });

        void Saver() => Run(() =>
        {
            for (int i = 0; i < 20; i++)
            {
                int removed = Volatile.Read(ref removedUpTo);
                using var stream = new MemoryStream();
                index.WriteTo(stream);
                stream.Position = 0;
                using Bm25Index copy = Bm25Index.ReadFrom(stream);
                var results = new TextMatch[4000];
                int count = copy.Search("doomed", results.Length, results);
                for (int r = 0; r < count; r++)
                {
                    if (results[r].DocId < RemovedFirst + removed)
                    {
                        failures.Enqueue($"save {i}: removed document {results[r].DocId} was saved");
                    }
                }
            }
        });

        Thread[] threads =
        [
            new(Remover), new(() => Churner(1)), new(() => Churner(2)), new(Saver),
            new(() => Searcher(10)), new(() => Searcher(11)), new(() => Searcher(12)), new(() => Searcher(13)),
        ];
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.Empty(errors);
        Assert.Empty(failures);
        Assert.Equal(RemovedCount, removedUpTo);

        // Afterwards: exactly the stable documents plus the live churn documents remain.
        var all = new TextMatch[4000];
        int live = index.Search("common", all.Length, all);
        Assert.Equal(index.DocumentCount, live);
        Assert.All(all[..live], m => Assert.True(m.DocId < StableDocs || (m.DocId >= ChurnFirst && m.DocId < ChurnFirst + ChurnCount),
            m.DocId.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(0, index.Search("doomed", all.Length, all));
    }
}
