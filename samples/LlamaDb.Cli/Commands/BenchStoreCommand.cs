using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using LlamaDb.Connectors.Hnsw;
using LlamaDb.VectorData;

namespace LlamaDb.Cli.Commands;

/// <summary>
/// <c>llamadb bench store</c>: the embedded store end to end on a .fvecs file: upsert throughput with a durable flush
/// per batch, checkpoint time, reopen time, and search QPS through the collection API.
/// </summary>
internal static class BenchStoreCommand
{
    /// <summary>The record the benchmark stores.</summary>
    public sealed class BenchRecord
    {
        [VectorStoreKey]
        public long Id { get; set; }

        [VectorStoreData(IsIndexed = true)]
        public int Bucket { get; set; }

        public ReadOnlyMemory<float> Vector { get; set; }

        /// <summary>The definition both store benchmarks use: the vector's dimensions and distance come from the data.</summary>
        public static VectorStoreCollectionDefinition Definition(int dimensions, string distanceFunction) => new()
        {
            Properties =
            [
                new VectorStoreKeyProperty(nameof(Id), typeof(long)),
                new VectorStoreDataProperty(nameof(Bucket), typeof(int)) { IsIndexed = true },
                new VectorStoreVectorProperty(nameof(Vector), typeof(ReadOnlyMemory<float>), dimensions) { DistanceFunction = distanceFunction },
            ],
        };
    }

    public static Command Create()
    {
        var baseFile = new Option<FileInfo>("--base") { Description = "Vectors to store (.fvecs).", Required = true };
        var queryFile = new Option<FileInfo?>("--query") { Description = "Query vectors (.fvecs); defaults to the first 1,000 base vectors." };
        var store = new Option<DirectoryInfo?>("--store") { Description = "Store folder (a temporary one when omitted; deleted afterwards)." };
        var batch = new Option<int>("--batch") { Description = "Records per UpsertAsync call (one durable flush each).", DefaultValueFactory = _ => 1000 };
        var limit = new Option<int?>("--limit") { Description = "Use only the first N base vectors." };
        var metric = new Option<string>("--metric") { Description = "cosine, ip or l2.", DefaultValueFactory = _ => "cosine" };
        metric.AcceptOnlyFromAmong("cosine", "ip", "l2");
        var ef = new Option<int>("--ef") { Description = "EfSearch for the search pass.", DefaultValueFactory = _ => 100 };
        var quantization = new Option<string>("--quantization") { Description = "none, int8 or binary (vectors in memory as codes, rescored from the memory-mapped floats).", DefaultValueFactory = _ => "none" };
        quantization.AcceptOnlyFromAmong("none", "int8", "binary");
        var writers = new Option<int>("--writers") { Description = "Concurrent writer tasks, each upserting its own batches.", DefaultValueFactory = _ => 1 };
        var durability = new Option<string>("--durability") { Description = "flush (fsync per write) or group (concurrent writers share fsyncs).", DefaultValueFactory = _ => "flush" };
        durability.AcceptOnlyFromAmong("flush", "group");
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("store", "Measure the embedded store: durable upsert throughput, checkpoint, reopen and search.")
        {
            baseFile, queryFile, store, batch, limit, metric, ef, quantization, writers, durability, json,
        };
        command.SetAction((parseResult, cancellationToken) => CliErrors.RunAsync(parseResult, async () =>
        {
            (float[] vectors, int dimensions) = BenchAnnCommand.ReadFvecs(parseResult.GetValue(baseFile)!);
            int count = Math.Min(vectors.Length / dimensions, parseResult.GetValue(limit) ?? int.MaxValue);
            float[] queries;
            if (parseResult.GetValue(queryFile) is { } q)
            {
                (queries, int queryDimensions) = BenchAnnCommand.ReadFvecs(q);
                if (queryDimensions != dimensions)
                {
                    throw new InvalidDataException($"The queries have {queryDimensions} dimensions, the base vectors {dimensions}.");
                }
            }
            else
            {
                queries = vectors[..(Math.Min(1000, count) * dimensions)];
            }

            int batchSize = parseResult.GetValue(batch);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize, "--batch");
            string distance = parseResult.GetValue(metric) switch
            {
                "ip" => DistanceFunction.DotProductSimilarity,
                "l2" => DistanceFunction.EuclideanSquaredDistance,
                _ => DistanceFunction.CosineSimilarity,
            };
            VectorStoreCollectionDefinition definition = BenchRecord.Definition(dimensions, distance);
            var options = new HnswCollectionOptions
            {
                Definition = definition,
                EfSearch = parseResult.GetValue(ef),
                Seed = 42,
                Durability = parseResult.GetValue(durability) == "group" ? HnswDurability.GroupCommit : HnswDurability.FlushEveryWrite,
                Quantization = parseResult.GetValue(quantization) switch
                {
                    "int8" => HnswQuantization.Int8,
                    "binary" => HnswQuantization.Binary,
                    _ => HnswQuantization.None,
                },
            };

            DirectoryInfo? given = parseResult.GetValue(store);
            string root = given?.FullName ?? Path.Combine(Path.GetTempPath(), $"llamadb-bench-store-{Guid.NewGuid():N}");
            try
            {
                double upsertSeconds, checkpointSeconds;
                var stopwatch = new Stopwatch();
                using (var vectorStore = new HnswVectorStore(root))
                {
                    HnswCollection<long, BenchRecord> collection = vectorStore.GetCollection<long, BenchRecord>("bench", options);
                    await collection.EnsureCollectionDeletedAsync(cancellationToken);
                    await collection.EnsureCollectionExistsAsync(cancellationToken);
                    int writerCount = parseResult.GetValue(writers);
                    ArgumentOutOfRangeException.ThrowIfNegativeOrZero(writerCount, "--writers");
                    int nextBatch = -1;
                    async Task WriterAsync()
                    {
                        // Writers take batches from a shared counter, so all of them stay busy to the end.
                        for (int start = Interlocked.Increment(ref nextBatch) * batchSize; start < count; start = Interlocked.Increment(ref nextBatch) * batchSize)
                        {
                            int n = Math.Min(batchSize, count - start);
                            var records = new BenchRecord[n];
                            for (int i = 0; i < n; i++)
                            {
                                int id = start + i;
                                records[i] = new BenchRecord { Id = id, Bucket = id % 100, Vector = vectors.AsMemory(id * dimensions, dimensions) };
                            }

                            await collection.UpsertAsync(records, cancellationToken);
                        }
                    }

                    stopwatch.Start();
                    await Task.WhenAll(Enumerable.Range(0, writerCount).Select(_ => Task.Run(WriterAsync, cancellationToken)));

                    upsertSeconds = stopwatch.Elapsed.TotalSeconds;
                    stopwatch.Restart();
                    await collection.CheckpointAsync(cancellationToken);
                    checkpointSeconds = stopwatch.Elapsed.TotalSeconds;
                }

                stopwatch.Restart();
                using var reopened = new HnswVectorStore(root);
                HnswCollection<long, BenchRecord> again = reopened.GetCollection<long, BenchRecord>("bench", options);
                int reopenedCount = again.Count;
                double reopenSeconds = stopwatch.Elapsed.TotalSeconds;
                if (reopenedCount != count)
                {
                    throw new InvalidOperationException($"Reopened {reopenedCount} records, expected {count}.");
                }

                int queryCount = queries.Length / dimensions;
                stopwatch.Restart();
                int searches = 0;
                while (stopwatch.Elapsed.TotalSeconds < 1.0 || searches < queryCount)
                {
                    ReadOnlyMemory<float> query = queries.AsMemory((searches % queryCount) * dimensions, dimensions);
                    await foreach (VectorSearchResult<BenchRecord> _ in again.SearchAsync(query, 10, cancellationToken: cancellationToken))
                    {
                    }

                    searches++;
                }

                double qps = searches / stopwatch.Elapsed.TotalSeconds;
                long bytes = Directory.EnumerateFiles(Path.Combine(root, "bench")).Sum(f => new FileInfo(f).Length);
                if (parseResult.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                    {
                        ["records"] = count,
                        ["dimensions"] = dimensions,
                        ["batch"] = batchSize,
                        ["quantization"] = parseResult.GetValue(quantization)!,
                        ["writers"] = parseResult.GetValue(writers),
                        ["durability"] = parseResult.GetValue(durability)!,
                        ["upsert_seconds"] = Math.Round(upsertSeconds, 3),
                        ["upserts_per_second"] = Math.Round(count / upsertSeconds, 1),
                        ["checkpoint_seconds"] = Math.Round(checkpointSeconds, 3),
                        ["reopen_seconds"] = Math.Round(reopenSeconds, 3),
                        ["search_qps"] = Math.Round(qps, 1),
                        ["disk_mb"] = Math.Round(bytes / (1024.0 * 1024.0), 1),
                    }));
                }
                else
                {
                    Console.WriteLine($"{count} x {dimensions}: upsert {count / upsertSeconds:F0}/s (batch {batchSize}, {parseResult.GetValue(writers)} writer(s), durability {parseResult.GetValue(durability)}, quantization {parseResult.GetValue(quantization)}), checkpoint {checkpointSeconds:F2} s, reopen {reopenSeconds:F2} s, search {qps:F0} QPS, {bytes / (1024.0 * 1024.0):F1} MiB on disk");
                }

                return 0;
            }
            finally
            {
                if (given is null && Directory.Exists(root))
                {
                    Directory.Delete(root, recursive: true);
                }
            }
        }));
        return command;
    }
}
