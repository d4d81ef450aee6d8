using System.Diagnostics;

namespace LlamaDb.Retrieval.Tests.Ingestion;

/// <summary>The run totals that parallel workers add to and report.</summary>
public sealed class IngestionProgressOrderTests
{
    [Fact]
    public async Task RunAdd_ManyWorkers_ReportsEveryTotalInOrder()
    {
        const int Workers = 8;
        const int AddsPerWorker = 20_000;
        var run = new IngestionPipeline.Run(Stopwatch.StartNew());
        var progress = new SynchronousProgress<IngestionProgress>();
        using var start = new Barrier(Workers);

        Task[] workers = [.. Enumerable.Range(0, Workers).Select(_ => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                for (int i = 0; i < AddsPerWorker; i++)
                {
                    run.Add(new IngestionPipeline.GroupCounts { Documents = 1, Chunks = 2 }, progress);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default))];
        await Task.WhenAll(workers);

        // Reported under the lock: the k-th report is the total after k adds, so progress never goes backwards.
        IReadOnlyList<IngestionProgress> items = progress.Items;
        Assert.Equal(Workers * AddsPerWorker, items.Count);
        for (int k = 0; k < items.Count; k++)
        {
            Assert.Equal(k + 1, items[k].Documents);
            Assert.Equal(2 * (k + 1), items[k].Chunks);
        }
    }
}
