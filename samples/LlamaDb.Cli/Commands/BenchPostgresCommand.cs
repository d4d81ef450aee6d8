using System.CommandLine;
using System.Diagnostics;
using System.Numerics.Tensors;
using System.Text.Json;
using LlamaDb.Connectors.Hnsw;
using LlamaDb.Connectors.Postgres;
using LlamaDb.VectorData;

namespace LlamaDb.Cli.Commands;

/// <summary>
/// <c>llamadb bench postgres</c>: the same vectors and queries through the PostgreSQL connector and the embedded store in
/// one run: load time, then recall@10 and single-client QPS per ef_search, side by side.
/// </summary>
internal static class BenchPostgresCommand
{
    public static Command Create()
    {
        var baseFile = new Option<FileInfo>("--base") { Description = "Vectors to store (.fvecs).", Required = true };
        var queryFile = new Option<FileInfo>("--query") { Description = "Query vectors (.fvecs).", Required = true };
        var gtFile = new Option<FileInfo?>("--gt") { Description = "Ground truth (.ivecs) for the whole base file; computed by brute force when omitted or with --limit." };
        var connection = new Option<string>("--connection") { Description = "PostgreSQL connection string (a server with pgvector 0.8+).", Required = true };
        var limit = new Option<int?>("--limit") { Description = "Use only the first N base vectors." };
        var queryLimit = new Option<int?>("--queries") { Description = "Use only the first N queries." };
        var metric = new Option<string>("--metric") { Description = "cosine, ip or l2.", DefaultValueFactory = _ => "ip" };
        metric.AcceptOnlyFromAmong("cosine", "ip", "l2");
        var m = new Option<int>("--m") { Description = "HNSW M on both sides.", DefaultValueFactory = _ => 16 };
        var efConstruction = new Option<int>("--ef-construction") { Description = "HNSW ef_construction on both sides.", DefaultValueFactory = _ => 64 };
        var efs = new Option<string>("--ef") { Description = "Comma-separated ef_search values.", DefaultValueFactory = _ => "10,20,40,80,160" };
        var batch = new Option<int>("--batch") { Description = "Records per UpsertAsync call on both sides.", DefaultValueFactory = _ => 1000 };
        var quantization = new Option<string>("--quantization") { Description = "PostgreSQL index: none, half or binary.", DefaultValueFactory = _ => "none" };
        quantization.AcceptOnlyFromAmong("none", "half", "binary");
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("postgres", "Compare the PostgreSQL connector with the embedded store on the same vectors: load, recall@10 and QPS per ef.")
        {
            baseFile, queryFile, gtFile, connection, limit, queryLimit, metric, m, efConstruction, efs, batch, quantization, json,
        };
        command.SetAction((parseResult, cancellationToken) => CliErrors.RunAsync(parseResult, async () =>
        {
            (float[] vectors, int dimensions) = BenchAnnCommand.ReadFvecs(parseResult.GetValue(baseFile)!);
            int total = vectors.Length / dimensions;
            int count = Math.Min(total, parseResult.GetValue(limit) ?? int.MaxValue);
            (float[] queries, int queryDimensions) = BenchAnnCommand.ReadFvecs(parseResult.GetValue(queryFile)!);
            if (queryDimensions != dimensions)
            {
                throw new InvalidDataException($"The queries have {queryDimensions} dimensions, the base vectors {dimensions}.");
            }

            int queryCount = Math.Min(queries.Length / dimensions, parseResult.GetValue(queryLimit) ?? int.MaxValue);
            string metricName = parseResult.GetValue(metric)!;
            int[][] truth = parseResult.GetValue(gtFile) is { } gt && count == total
                ? ReadTruth(gt, queryCount)
                : BruteForce(vectors, count, queries, queryCount, dimensions, metricName);
            int[] efValues = [.. parseResult.GetValue(efs)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse)];
            int batchSize = parseResult.GetValue(batch);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize, "--batch");
            string distance = metricName switch
            {
                "ip" => DistanceFunction.DotProductSimilarity,
                "l2" => DistanceFunction.EuclideanDistance,
                _ => DistanceFunction.CosineSimilarity,
            };
            VectorStoreCollectionDefinition definition = BenchStoreCommand.BenchRecord.Definition(dimensions, distance);

            string root = Path.Combine(Path.GetTempPath(), $"llamadb-bench-pg-{Guid.NewGuid():N}");
            var sides = new List<Dictionary<string, object>>();
            try
            {
                using var embedded = new HnswVectorStore(root);
                HnswCollection<long, BenchStoreCommand.BenchRecord> local = embedded.GetCollection<long, BenchStoreCommand.BenchRecord>("bench", new HnswCollectionOptions
                {
                    Definition = definition,
                    M = parseResult.GetValue(m),
                    EfConstruction = parseResult.GetValue(efConstruction),
                    Seed = 42,
                });
                using var postgres = new PostgresVectorStore(parseResult.GetValue(connection)!);
                PostgresCollection<long, BenchStoreCommand.BenchRecord> remote = postgres.GetCollection<long, BenchStoreCommand.BenchRecord>("llamadb_bench", new PostgresCollectionOptions
                {
                    Definition = definition,
                    M = parseResult.GetValue(m),
                    EfConstruction = parseResult.GetValue(efConstruction),
                    Quantization = parseResult.GetValue(quantization) switch
                    {
                        "half" => PostgresQuantization.Half,
                        "binary" => PostgresQuantization.Binary,
                        _ => PostgresQuantization.None,
                    },
                });

                sides.Add(await RunSideAsync("embedded", local, (q, ef) => new HnswVectorSearchOptions<BenchStoreCommand.BenchRecord> { EfSearch = ef }));
                sides.Add(await RunSideAsync("postgres", remote, (q, ef) => new PostgresVectorSearchOptions<BenchStoreCommand.BenchRecord> { EfSearch = ef }));
                await remote.EnsureCollectionDeletedAsync(cancellationToken);
            }
            finally
            {
                if (Directory.Exists(root))
                {
                    Directory.Delete(root, recursive: true);
                }
            }

            if (parseResult.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["records"] = count,
                    ["dimensions"] = dimensions,
                    ["queries"] = queryCount,
                    ["metric"] = metricName,
                    ["m"] = parseResult.GetValue(m),
                    ["ef_construction"] = parseResult.GetValue(efConstruction),
                    ["quantization"] = parseResult.GetValue(quantization)!,
                    ["sides"] = sides,
                }));
            }
            else
            {
                foreach (Dictionary<string, object> side in sides)
                {
                    Console.WriteLine($"{side["name"]}: load {side["load_seconds"]} s ({side["upserts_per_second"]}/s)");
                    foreach (Dictionary<string, object> point in (List<Dictionary<string, object>>)side["points"])
                    {
                        Console.WriteLine($"  ef {point["ef"]}: recall@10 {point["recall"]}, {point["qps"]} QPS");
                    }
                }
            }

            return 0;

            async Task<Dictionary<string, object>> RunSideAsync<TCollection>(string name, TCollection collection, Func<int, int, VectorSearchOptions<BenchStoreCommand.BenchRecord>> searchOptions)
                where TCollection : VectorStoreCollection<long, BenchStoreCommand.BenchRecord>
            {
                await collection.EnsureCollectionDeletedAsync(cancellationToken);
                await collection.EnsureCollectionExistsAsync(cancellationToken);
                Console.Error.WriteLine($"{name}: loading {count} x {dimensions} ...");
                var stopwatch = Stopwatch.StartNew();
                for (int start = 0; start < count; start += batchSize)
                {
                    int n = Math.Min(batchSize, count - start);
                    var records = new BenchStoreCommand.BenchRecord[n];
                    for (int i = 0; i < n; i++)
                    {
                        int id = start + i;
                        records[i] = new BenchStoreCommand.BenchRecord { Id = id, Bucket = id % 100, Vector = vectors.AsMemory(id * dimensions, dimensions) };
                    }

                    await collection.UpsertAsync(records, cancellationToken);
                }

                double loadSeconds = stopwatch.Elapsed.TotalSeconds;
                var points = new List<Dictionary<string, object>>();
                foreach (int ef in efValues)
                {
                    // Warm-up pass (caches, JIT, server plan cache), then the timed pass over every query.
                    for (int q = 0; q < Math.Min(20, queryCount); q++)
                    {
                        await foreach (VectorSearchResult<BenchStoreCommand.BenchRecord> _ in collection.SearchAsync(queries.AsMemory(q * dimensions, dimensions), 10, searchOptions(q, ef), cancellationToken))
                        {
                        }
                    }

                    int found = 0;
                    stopwatch.Restart();
                    for (int q = 0; q < queryCount; q++)
                    {
                        var expected = new HashSet<int>(truth[q]);
                        await foreach (VectorSearchResult<BenchStoreCommand.BenchRecord> hit in collection.SearchAsync(queries.AsMemory(q * dimensions, dimensions), 10, searchOptions(q, ef), cancellationToken))
                        {
                            found += expected.Contains((int)hit.Record.Id) ? 1 : 0;
                        }
                    }

                    double seconds = stopwatch.Elapsed.TotalSeconds;
                    points.Add(new Dictionary<string, object>
                    {
                        ["ef"] = ef,
                        ["recall"] = Math.Round(found / (10.0 * queryCount), 4),
                        ["qps"] = Math.Round(queryCount / seconds, 1),
                    });
                    Console.Error.WriteLine($"{name}: ef {ef} recall@10 {found / (10.0 * queryCount):F4} {queryCount / seconds:F0} QPS");
                }

                return new Dictionary<string, object>
                {
                    ["name"] = name,
                    ["load_seconds"] = Math.Round(loadSeconds, 1),
                    ["upserts_per_second"] = Math.Round(count / loadSeconds, 1),
                    ["points"] = points,
                };
            }
        }));
        return command;
    }

    private static int[][] ReadTruth(FileInfo file, int queryCount)
    {
        (int[] ids, int perRow) = BenchAnnCommand.ReadIvecs(file);
        var truth = new int[queryCount][];
        for (int q = 0; q < queryCount; q++)
        {
            truth[q] = ids.AsSpan(q * perRow, Math.Min(10, perRow)).ToArray();
        }

        return truth;
    }

    /// <summary>Exact top 10 per query (for a subset of the base file, where the shipped ground truth does not apply).</summary>
    private static int[][] BruteForce(float[] vectors, int count, float[] queries, int queryCount, int dimensions, string metric)
    {
        var truth = new int[queryCount][];
        Parallel.For(0, queryCount, q =>
        {
            ReadOnlySpan<float> query = queries.AsSpan(q * dimensions, dimensions);
            var best = new PriorityQueue<int, float>(); // min-heap on "goodness": keeps the 10 best
            for (int i = 0; i < count; i++)
            {
                ReadOnlySpan<float> v = vectors.AsSpan(i * dimensions, dimensions);
                float goodness = metric switch
                {
                    "l2" => -TensorPrimitives.Distance(query, v),
                    "cosine" => TensorPrimitives.CosineSimilarity(query, v),
                    _ => TensorPrimitives.Dot(query, v),
                };
                if (best.Count < 10)
                {
                    best.Enqueue(i, goodness);
                }
                else if (best.TryPeek(out _, out float worst) && goodness > worst)
                {
                    best.DequeueEnqueue(i, goodness);
                }
            }

            var ids = new int[best.Count];
            for (int k = ids.Length - 1; k >= 0; k--)
            {
                ids[k] = best.Dequeue();
            }

            truth[q] = ids;
        });
        return truth;
    }
}
