using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using LlamaDb.Connectors.Hnsw;
using LlamaDb.Embedders.Onnx;
using LlamaDb.Retrieval;
using LlamaDb.Retrieval.Onnx;
using LlamaDb.VectorData;
using Microsoft.Extensions.AI;

namespace LlamaDb.Cli.Commands;

/// <summary>
/// <c>llamadb bench rag</c>: ingestion throughput of a BEIR corpus (load, chunk, embed, store) and per-query latency
/// split into query embedding, hybrid retrieval, cross-encoder reranking and total.
/// </summary>
internal static class BenchRagCommand
{
    public static Command Create()
    {
        var dataset = new Option<DirectoryInfo>("--dataset") { Description = "BEIR folder (corpus.jsonl, queries.jsonl, qrels/test.tsv).", Required = true };
        var model = new Option<DirectoryInfo>("--model") { Description = "ONNX embedding model folder.", Required = true };
        var rerank = new Option<DirectoryInfo?>("--rerank") { Description = "ONNX cross-encoder folder; omit to skip reranking." };
        var candidates = new Option<int>("--rerank-candidates") { Description = "Hybrid candidates reranked per query.", DefaultValueFactory = _ => 50 };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Chunk size in tokens (model tokenizer).", DefaultValueFactory = _ => 256 };
        var queryLimit = new Option<int>("--queries") { Description = "Queries timed (the test split, in order).", DefaultValueFactory = _ => 300 };
        var docLimit = new Option<int?>("--limit") { Description = "Ingest only the first N documents." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("rag", "Ingest a BEIR corpus into a temporary store and time queries: embed, hybrid retrieve, rerank, total.")
        {
            dataset, model, rerank, candidates, maxTokens, queryLimit, docLimit, json,
        };
        command.SetAction((parseResult, cancellationToken) => CliErrors.RunAsync(parseResult, async () =>
        {
            BeirDataset data = await BeirDataset.LoadAsync(parseResult.GetValue(dataset)!.FullName, cancellationToken: cancellationToken);
            using OnnxEmbeddingGenerator embedder = await OnnxEmbeddingGenerator.CreateAsync(parseResult.GetValue(model)!.FullName, cancellationToken: cancellationToken);
            int dimensions = embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions
                ?? throw new InvalidOperationException("The model does not report its dimensions.");
            using CrossEncoderReranker? reranker = parseResult.GetValue(rerank) is { } rerankDir
                ? await CrossEncoderReranker.CreateAsync(rerankDir.FullName, cancellationToken: cancellationToken)
                : null;

            string root = Path.Combine(Path.GetTempPath(), $"llamadb-bench-rag-{Guid.NewGuid():N}");
            try
            {
                using var store = new HnswVectorStore(root);
                HnswCollection<string, ChunkRecord> chunks = store.GetCollection<string, ChunkRecord>("chunks", new HnswCollectionOptions
                {
                    Definition = ChunkRecordDefinition.Create(dimensions),
                    EmbeddingGenerator = embedder,
                    Seed = 42,
                });
                await chunks.EnsureCollectionExistsAsync(cancellationToken);

                IReadOnlyList<Document> corpus = parseResult.GetValue(docLimit) is int limit ? [.. data.Corpus.Take(limit)] : data.Corpus;
                var chunker = new RecursiveChunker(new ChunkerOptions { MaxTokens = parseResult.GetValue(maxTokens), TokenCounter = OnnxTokenCounterFor(embedder) });
                var pipeline = new IngestionPipeline(chunks, chunker, new IngestionOptions { BatchSize = 64, MaxDegreeOfParallelism = 1 });
                var ingestClock = Stopwatch.StartNew();
                IngestionResult ingested = await pipeline.IngestAsync(corpus, cancellationToken: cancellationToken);
                double ingestSeconds = ingestClock.Elapsed.TotalSeconds;

                int topCandidates = parseResult.GetValue(candidates);
                KeyValuePair<string, string>[] queries = [.. data.Queries.Take(parseResult.GetValue(queryLimit))];
                var embed = new List<double>();
                var retrieve = new List<double>();
                var rerankTimes = new List<double>();
                var total = new List<double>();
                for (int q = -Math.Min(5, queries.Length); q < queries.Length; q++)
                {
                    string text = queries[Math.Max(q, 0) % queries.Length].Value; // the first five runs warm up
                    long t0 = Stopwatch.GetTimestamp();
                    Embedding<float> queryVector = await embedder.GenerateAsync(text, cancellationToken: cancellationToken);
                    long t1 = Stopwatch.GetTimestamp();
                    var found = new List<ChunkRecord>(topCandidates);
                    await foreach (VectorSearchResult<ChunkRecord> hit in chunks.HybridSearchAsync(queryVector.Vector, [text], topCandidates, new HybridSearchOptions<ChunkRecord> { AdditionalProperty = c => c.Text }, cancellationToken))
                    {
                        found.Add(hit.Record);
                    }

                    long t2 = Stopwatch.GetTimestamp();
                    if (reranker is not null && found.Count > 0)
                    {
                        _ = await reranker.ScoreAsync(text, [.. found.Select(c => c.Text)], cancellationToken);
                    }

                    long t3 = Stopwatch.GetTimestamp();
                    if (q >= 0)
                    {
                        embed.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
                        retrieve.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
                        rerankTimes.Add(Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds);
                        total.Add(Stopwatch.GetElapsedTime(t0, t3).TotalMilliseconds);
                    }
                }

                var result = new Dictionary<string, object>
                {
                    ["documents"] = ingested.Progress.Documents,
                    ["chunks"] = ingested.Progress.Chunks,
                    ["tokens"] = ingested.Progress.Tokens,
                    ["ingest_seconds"] = Math.Round(ingestSeconds, 2),
                    ["chunks_per_second"] = Math.Round(ingested.Progress.Chunks / ingestSeconds, 1),
                    ["queries"] = queries.Length,
                    ["candidates"] = topCandidates,
                    ["reranked"] = reranker is not null,
                    ["embed_ms"] = Percentiles(embed),
                    ["retrieve_ms"] = Percentiles(retrieve),
                    ["rerank_ms"] = Percentiles(rerankTimes),
                    ["total_ms"] = Percentiles(total),
                };
                if (parseResult.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(result));
                }
                else
                {
                    Console.WriteLine($"ingest: {ingested.Progress.Documents} documents, {ingested.Progress.Chunks} chunks in {ingestSeconds:F1} s ({ingested.Progress.Chunks / ingestSeconds:F1} chunks/s)");
                    foreach (string key in new[] { "embed_ms", "retrieve_ms", "rerank_ms", "total_ms" })
                    {
                        var p = (Dictionary<string, double>)result[key];
                        Console.WriteLine($"{key,-12} p50 {p["p50"],8:F2}  p99 {p["p99"],8:F2}");
                    }
                }
            }
            finally
            {
                if (Directory.Exists(root))
                {
                    Directory.Delete(root, recursive: true);
                }
            }

            return 0;
        }));
        return command;
    }

    private static ITokenCounter OnnxTokenCounterFor(OnnxEmbeddingGenerator embedder) =>
        embedder.GetService<LlamaDb.Embedders.Onnx.Tokenization.BertTokenizer>() is { } tokenizer
            ? TokenCounter.Create(text => Math.Max(0, tokenizer.CountTokens(text) - 2)) // its count includes [CLS] and [SEP]
            : TokenEstimator.Default;

    private static Dictionary<string, double> Percentiles(List<double> values)
    {
        if (values.Count == 0)
        {
            return new() { ["p50"] = 0, ["p99"] = 0 };
        }

        double[] sorted = [.. values.Order()];
        double At(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return new() { ["p50"] = Math.Round(At(0.50), 3), ["p99"] = Math.Round(At(0.99), 3) };
    }
}
