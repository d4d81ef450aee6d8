using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using LlamaDb.Connectors.Hnsw.Indexing;

namespace LlamaDb.Cli.Commands;

/// <summary>
/// <c>llamadb bench ann</c>: builds a vector index from TEXMEX files and sweeps ef, reporting recall@10, single-call
/// QPS and latency percentiles, the same measurements as the hnswlib harness in shared/bench/ann.
/// </summary>
internal static class BenchAnnCommand
{
    private const int RecallK = 10;

    public static Command Create()
    {
        var baseFile = new Option<FileInfo>("--base") { Description = "Base vectors (.fvecs).", Required = true };
        var queryFile = new Option<FileInfo>("--query") { Description = "Query vectors (.fvecs).", Required = true };
        var gtFile = new Option<FileInfo>("--gt") { Description = "Ground-truth neighbour ids (.ivecs); the first 10 per query are used.", Required = true };
        var metric = new Option<string>("--metric") { Description = "l2, ip, or cosine (vectors normalized, then inner product).", DefaultValueFactory = _ => "l2" };
        metric.AcceptOnlyFromAmong("l2", "ip", "cosine");
        var m = new Option<int>("--m") { Description = "HNSW M.", DefaultValueFactory = _ => 16 };
        var efConstruction = new Option<int>("--ef-construction") { Description = "HNSW efConstruction.", DefaultValueFactory = _ => 200 };
        var efs = new Option<string>("--ef") { Description = "Comma-separated efSearch values to sweep.", DefaultValueFactory = _ => "10,20,40,80,160" };
        var threads = new Option<int>("--threads") { Description = "Search threads.", DefaultValueFactory = _ => 1 };
        var buildThreads = new Option<int>("--build-threads") { Description = "Insert threads.", DefaultValueFactory = _ => 1 };
        var quantization = new Option<string>("--quantization") { Description = "none, int8 or binary.", DefaultValueFactory = _ => "none" };
        quantization.AcceptOnlyFromAmong("none", "int8", "binary");
        var oversampling = new Option<int>("--oversampling") { Description = "With --quantization: candidates rescored per hit (k x this).", DefaultValueFactory = _ => 4 };
        var rawDir = new Option<DirectoryInfo>("--raw-dir") { Description = "With --quantization: folder of the memory-mapped float vectors used for rescoring (default: the --base file's folder)." };
        var index = new Option<string>("--index") { Description = "hnsw or flat.", DefaultValueFactory = _ => "hnsw" };
        index.AcceptOnlyFromAmong("hnsw", "flat");
        var minTime = new Option<double>("--min-time") { Description = "Seconds each ef is searched for at least.", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<int>("--seed") { Description = "Level generator seed.", DefaultValueFactory = _ => 100 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };

        var command = new Command("ann", "Build an HNSW (or flat) index from .fvecs files and sweep ef: recall@10, QPS, latency, memory.")
        {
            baseFile, queryFile, gtFile, metric, m, efConstruction, efs, threads, buildThreads, quantization, oversampling, rawDir, index, minTime, seed, json,
        };
        command.SetAction((parseResult, cancellationToken) => CliErrors.RunAsync(parseResult, async () =>
        {
            int searchThreads = parseResult.GetValue(threads);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(searchThreads, "--threads");
            int insertThreads = parseResult.GetValue(buildThreads);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(insertThreads, "--build-threads");
            int[] efList = ParseEfs(parseResult.GetValue(efs)!); // has a default
            string metricName = parseResult.GetValue(metric)!; // has a default
            string quantizationName = parseResult.GetValue(quantization)!; // has a default

            (float[] baseVectors, int dimensions) = ReadFvecs(parseResult.GetValue(baseFile)!);
            (float[] queries, int queryDimensions) = ReadFvecs(parseResult.GetValue(queryFile)!);
            (int[] gt, int gtK) = ReadIvecs(parseResult.GetValue(gtFile)!);
            if (queryDimensions != dimensions)
            {
                throw new InvalidDataException($"The queries have {queryDimensions} dimensions, the base vectors {dimensions}.");
            }

            int baseCount = baseVectors.Length / dimensions;
            int queryCount = queries.Length / dimensions;
            if (gt.Length / gtK < queryCount || gtK < RecallK)
            {
                throw new InvalidDataException($"The ground truth holds {gt.Length / gtK} rows of {gtK}; need {queryCount} rows of at least {RecallK}.");
            }

            if (metricName == "cosine")
            {
                Normalize(baseVectors, dimensions);
                Normalize(queries, dimensions);
            }

            var options = new VectorIndexOptions
            {
                Dimensions = dimensions,
                Metric = metricName == "l2" ? VectorMetric.Euclidean : VectorMetric.DotProduct,
                M = parseResult.GetValue(m),
                EfConstruction = parseResult.GetValue(efConstruction),
                Seed = parseResult.GetValue(seed),
                InitialCapacity = baseCount,
                Quantization = quantizationName switch
                {
                    "int8" => VectorQuantization.Int8,
                    "binary" => VectorQuantization.Binary,
                    _ => VectorQuantization.None,
                },
                Oversampling = parseResult.GetValue(oversampling),
                RawVectorDirectory = parseResult.GetValue(rawDir)?.FullName ?? parseResult.GetValue(baseFile)!.DirectoryName,
            };
            using IVectorIndex vectorIndex = parseResult.GetValue(index) == "flat" ? new FlatIndex(options) : new HnswIndex(options);

            var stopwatch = Stopwatch.StartNew();
            Build(vectorIndex, baseVectors, dimensions, insertThreads, cancellationToken);
            double buildSeconds = stopwatch.Elapsed.TotalSeconds;
            double memoryMb = vectorIndex.MemoryBytes / 1048576.0;

            var rows = new List<SweepRow>();
            foreach (int ef in efList)
            {
                cancellationToken.ThrowIfCancellationRequested();
                rows.Add(Sweep(vectorIndex, queries, dimensions, gt, gtK, ef, searchThreads, parseResult.GetValue(minTime)));
            }

            if (parseResult.GetValue(json))
            {
                using Stream stdout = Console.OpenStandardOutput();
                await using var writer = new Utf8JsonWriter(stdout);
                writer.WriteStartObject();
                writer.WriteNumber("build_seconds", Math.Round(buildSeconds, 4));
                writer.WriteNumber("build_threads", insertThreads);
                writer.WriteNumber("memory_mb", Math.Round(memoryMb, 2));
                writer.WriteString("quantization", quantizationName);
                writer.WriteNumber("oversampling", options.Oversampling);
                writer.WriteNumber("vector_mb", Math.Round(vectorIndex.VectorBytes / 1048576.0, 2));
                writer.WriteNumber("float_vector_mb", Math.Round((long)options.InitialCapacity * dimensions * sizeof(float) / 1048576.0, 2));
                writer.WriteNumber("raw_vector_mapped_mb", Math.Round(vectorIndex.RawVectorBytes / 1048576.0, 2));
                writer.WriteString("index", parseResult.GetValue(index));
                writer.WriteString("metric", metricName);
                writer.WriteNumber("count", baseCount);
                writer.WriteNumber("dimensions", dimensions);
                writer.WriteNumber("threads", searchThreads);
                writer.WriteStartArray("results");
                foreach (SweepRow row in rows)
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("ef", row.Ef);
                    writer.WriteNumber("recall_at_10", Math.Round(row.Recall, 4));
                    writer.WriteNumber("qps", Math.Round(row.Qps, 1));
                    writer.WriteNumber("p50_us", Math.Round(row.P50Us, 1));
                    writer.WriteNumber("p99_us", Math.Round(row.P99Us, 1));
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                Console.WriteLine();
            }
            else
            {
                Console.WriteLine($"{parseResult.GetValue(index)} index: {baseCount} x {dimensions} ({metricName}), built in {buildSeconds:F2} s with {insertThreads} thread(s), {memoryMb:F1} MiB (quantization {quantizationName}: vectors {vectorIndex.VectorBytes / 1048576.0:F1} MiB, raw floats mapped {vectorIndex.RawVectorBytes / 1048576.0:F1} MiB)");
                Console.WriteLine("    ef  recall@10         qps    p50 us    p99 us");
                foreach (SweepRow row in rows)
                {
                    Console.WriteLine($"{row.Ef,6}  {row.Recall,9:F4}  {row.Qps,10:F1}  {row.P50Us,8:F1}  {row.P99Us,8:F1}");
                }
            }

            return 0;
        }));
        return command;
    }

    private static int[] ParseEfs(string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], System.Globalization.CultureInfo.InvariantCulture, out values[i]) || values[i] <= 0)
            {
                throw new ArgumentException($"--ef: '{parts[i]}' is not a positive integer.");
            }
        }

        return values.Length > 0 ? values : throw new ArgumentException("--ef: no values given.");
    }

    private static void Build(IVectorIndex index, float[] vectors, int dimensions, int threads, CancellationToken cancellationToken)
    {
        int count = vectors.Length / dimensions;
        if (count == 0)
        {
            return;
        }

        // The first point alone sets the entry point, then the rest from a shared counter (as the hnswlib harness does).
        index.Add(0, vectors.AsSpan(0, dimensions));
        int next = 0;
        void Worker()
        {
            int id;
            while ((id = Interlocked.Increment(ref next)) < count)
            {
                if ((id & 1023) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                index.Add(id, vectors.AsSpan(id * dimensions, dimensions));
            }
        }

        RunThreads(threads, _ => Worker());
    }

    private static SweepRow Sweep(IVectorIndex index, float[] queries, int dimensions, int[] gt, int gtK, int ef, int threads, double minTime)
    {
        int queryCount = queries.Length / dimensions;
        var results = new VectorMatch[RecallK];

        // Untimed pass: recall and the time of one pass.
        long hits = 0;
        var stopwatch = Stopwatch.StartNew();
        for (int q = 0; q < queryCount; q++)
        {
            int found = index.Search(queries.AsSpan(q * dimensions, dimensions), RecallK, results, ef);
            ReadOnlySpan<int> truth = gt.AsSpan(q * gtK, RecallK);
            for (int i = 0; i < found; i++)
            {
                hits += truth.Contains(results[i].Id) ? 1 : 0;
            }
        }

        double onePass = Math.Max(stopwatch.Elapsed.TotalSeconds, 1e-6);
        int passes = Math.Max(1, (int)Math.Ceiling(minTime / onePass));
        long total = (long)passes * queryCount;
        long[] latencies = new long[total];
        long nextQuery = -1;
        void Worker()
        {
            var local = new VectorMatch[RecallK];
            long i;
            while ((i = Interlocked.Increment(ref nextQuery)) < total)
            {
                int q = (int)(i % queryCount);
                long start = Stopwatch.GetTimestamp();
                index.Search(queries.AsSpan(q * dimensions, dimensions), RecallK, local, ef);
                latencies[i] = Stopwatch.GetTimestamp() - start;
            }
        }

        stopwatch.Restart();
        RunThreads(threads, _ => Worker());
        double wall = stopwatch.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        double ticksToUs = 1e6 / Stopwatch.Frequency;
        return new SweepRow(
            ef,
            hits / (double)(queryCount * RecallK),
            total / wall,
            latencies[(int)(total * 0.50)] * ticksToUs,
            latencies[Math.Min(total - 1, (long)(total * 0.99))] * ticksToUs);
    }

    private static void RunThreads(int threads, Action<int> body)
    {
        if (threads == 1)
        {
            body(0);
            return;
        }

        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int index = t;
            workers[t] = new Thread(() => body(index));
            workers[t].Start();
        }

        foreach (Thread worker in workers)
        {
            worker.Join();
        }
    }

    private static void Normalize(float[] vectors, int dimensions)
    {
        for (int offset = 0; offset < vectors.Length; offset += dimensions)
        {
            Span<float> v = vectors.AsSpan(offset, dimensions);
            float norm = System.Numerics.Tensors.TensorPrimitives.Norm(v);
            if (norm > 0)
            {
                System.Numerics.Tensors.TensorPrimitives.Divide(v, norm, v);
            }
        }
    }

    /// <summary>Reads a TEXMEX .fvecs file: records of int32 dim then dim float32.</summary>
    internal static (float[] Vectors, int Dimensions) ReadFvecs(FileInfo file)
    {
        (byte[] bytes, int dimensions, int count) = ReadRecords(file);
        var vectors = new float[(long)count * dimensions];
        int recordBytes = 4 + (4 * dimensions);
        for (int i = 0; i < count; i++)
        {
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan((i * (long)recordBytes + 4).ToInt(), 4 * dimensions))
                .CopyTo(vectors.AsSpan(i * dimensions, dimensions));
        }

        return (vectors, dimensions);
    }

    /// <summary>Reads a TEXMEX .ivecs file: records of int32 dim then dim int32.</summary>
    internal static (int[] Ids, int PerRow) ReadIvecs(FileInfo file)
    {
        (byte[] bytes, int dimensions, int count) = ReadRecords(file);
        var ids = new int[(long)count * dimensions];
        int recordBytes = 4 + (4 * dimensions);
        for (int i = 0; i < count; i++)
        {
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(bytes.AsSpan((i * (long)recordBytes + 4).ToInt(), 4 * dimensions))
                .CopyTo(ids.AsSpan(i * dimensions, dimensions));
        }

        return (ids, dimensions);
    }

    private static (byte[] Bytes, int Dimensions, int Count) ReadRecords(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new FileNotFoundException($"'{file.FullName}' does not exist.", file.FullName);
        }

        byte[] bytes = File.ReadAllBytes(file.FullName);
        if (bytes.Length < 4)
        {
            throw new InvalidDataException($"'{file.FullName}' is empty.");
        }

        int dimensions = BitConverter.ToInt32(bytes, 0);
        long recordBytes = 4 + (4L * dimensions);
        if (dimensions <= 0 || bytes.Length % recordBytes != 0)
        {
            throw new InvalidDataException($"'{file.FullName}' is not a TEXMEX vector file (dimension {dimensions}, {bytes.Length} bytes).");
        }

        int count = (int)(bytes.Length / recordBytes);
        for (int i = 0; i < count; i++)
        {
            if (BitConverter.ToInt32(bytes, (int)(i * recordBytes)) != dimensions)
            {
                throw new InvalidDataException($"'{file.FullName}': record {i} has a different dimension than record 0.");
            }
        }

        return (bytes, dimensions, count);
    }

    private static int ToInt(this long value) => checked((int)value);

    private readonly record struct SweepRow(int Ef, double Recall, double Qps, double P50Us, double P99Us);
}
