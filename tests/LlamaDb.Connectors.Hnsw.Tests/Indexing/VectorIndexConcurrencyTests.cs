using LlamaDb.Connectors.Hnsw.Indexing;

namespace LlamaDb.Connectors.Hnsw.Tests.Indexing;

public sealed class VectorIndexConcurrencyTests
{
    [Theory]
    [InlineData("hnsw", 2)]
    [InlineData("hnsw", 4)]
    [InlineData("flat", 4)]
    public void Add_FromSeveralThreadsWithGrowth_AllPresentAndRecallAtLeast95(string kind, int threads)
    {
        const int count = 3000;
        float[][] all = IndexTestData.Clustered(VectorMetric.DotProduct, count + 50, 32, seed: 31);
        float[][] vectors = all[..count];
        using IVectorIndex index = IndexTestData.Create(kind, VectorMetric.DotProduct, 32, initialCapacity: 16);

        RunThreads(threads, t =>
        {
            for (int id = t; id < count; id += threads)
            {
                index.Add(id, vectors[id]);
            }
        });

        Assert.Equal(count, index.Count);
        Assert.Equal(count, index.IdLimit);
        Assert.True(IndexTestData.MeanRecall(index, VectorMetric.DotProduct, vectors, all[count..]) >= 0.95);
        var stored = new float[32];
        for (int id = 0; id < count; id += 97)
        {
            index.GetVector(id, stored);
            Assert.Equal(vectors[id], stored);
        }
    }

    [Theory]
    [InlineData("hnsw")]
    [InlineData("flat")]
    public void Search_DuringAddsAndRemoves_NeverThrowsNorReturnsRemovedIds(string kind)
    {
        const int initial = 1000;
        const int added = 2000;
        float[][] vectors = IndexTestData.Clustered(VectorMetric.Euclidean, initial + added, 16, seed: 41);
        using IVectorIndex index = IndexTestData.Create(kind, VectorMetric.Euclidean, 16, initialCapacity: 64);
        IndexTestData.AddAll(index, vectors[..initial]);
        var random = new Random(41);
        int[] removalOrder = Enumerable.Range(0, initial).OrderBy(_ => random.Next()).Take(initial / 2).ToArray();
        int[] removalPosition = Enumerable.Repeat(int.MaxValue, initial + added).ToArray();
        for (int i = 0; i < removalOrder.Length; i++)
        {
            removalPosition[removalOrder[i]] = i;
        }

        int removedCount = 0;
        int writersDone = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        RunThreads(4, t =>
        {
            try
            {
                if (t == 0)
                {
                    for (int id = initial; id < initial + added; id++)
                    {
                        index.Add(id, vectors[id]);
                    }

                    Interlocked.Increment(ref writersDone);
                }
                else if (t == 1)
                {
                    foreach (int id in removalOrder)
                    {
                        index.Remove(id);
                        Volatile.Write(ref removedCount, removalPosition[id] + 1);
                    }

                    Interlocked.Increment(ref writersDone);
                }
                else
                {
                    var results = new VectorMatch[10];
                    var queryRandom = new Random(t);
                    for (int iteration = 0; iteration < 200 || Volatile.Read(ref writersDone) < 2; iteration++)
                    {
                        int removedBefore = Volatile.Read(ref removedCount);
                        float[] query = vectors[queryRandom.Next(vectors.Length)];
                        int found = index.Search(query, 10, results, ef: 32);
                        for (int i = 0; i < found; i++)
                        {
                            if (removalPosition[results[i].Id] < removedBefore)
                            {
                                failures.Enqueue($"id {results[i].Id} returned after its removal");
                            }
                        }
                    }
                }
            }
            catch (Exception ex)
            {
                failures.Enqueue(ex.ToString());
            }
        });

        Assert.Empty(failures);
        Assert.Equal(initial + added - (initial / 2), index.Count);
    }

    private static void RunThreads(int count, Action<int> body)
    {
        var threads = new Thread[count];
        for (int t = 0; t < count; t++)
        {
            int index = t;
            threads[t] = new Thread(() => body(index));
            threads[t].Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }
    }
}
