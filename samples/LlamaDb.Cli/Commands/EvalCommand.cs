using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using LlamaDb.Connectors.Hnsw;
using LlamaDb.Embedders.Onnx;
using LlamaDb.Cli.Store;
using LlamaDb.Retrieval;
using LlamaDb.Retrieval.Onnx;
using LlamaDb.VectorData;
using Microsoft.Extensions.AI;

namespace LlamaDb.Cli.Commands;

/// <summary>
/// <c>llamadb eval retrieval</c> (BEIR: nDCG@10, Recall@100, MRR@10 over a dataset's test qrels) and <c>llamadb eval sts</c>
/// (Spearman between cosine similarity and gold scores).
/// </summary>
internal static class EvalCommand
{
    /// <summary>
    /// Builds the reranker for <c>--rerank &lt;dir|repo-id&gt;</c>: the ONNX cross-encoder (<c>CrossEncoderReranker</c>,
    /// LlamaDb.Retrieval.Onnx). Replaceable, e.g. to plug in another <see cref="IReranker"/>.
    /// </summary>
    public static Func<string, CancellationToken, Task<IReranker>>? RerankerFactory { get; set; } = static async (model, cancellationToken) =>
        await CrossEncoderReranker.CreateAsync(
            await ModelLocator.ResolveAsync(model, ModelKind.CrossEncoder, quiet: false, cancellationToken), cancellationToken: cancellationToken);

    public static Command Create()
    {
        var command = new Command("eval", "Measure retrieval (BEIR) or embedding similarity (STS) quality.");
        command.Subcommands.Add(CreateRetrieval());
        command.Subcommands.Add(CreateSts());
        return command;
    }

    private static Command CreateRetrieval()
    {
        var dataset = new Option<string>("--dataset") { Description = "BEIR folder with corpus.jsonl, queries.jsonl and qrels/<split>.tsv.", Required = true };
        var mode = new Option<string>("--mode") { Description = "bm25, vector or hybrid.", DefaultValueFactory = _ => "bm25" };
        mode.AcceptOnlyFromAmong("bm25", "vector", "hybrid");
        var model = new Option<string>("--model", "-m") { Description = "Embedding model folder (vector and hybrid modes)." };
        var rerank = new Option<string>("--rerank") { Description = "Cross-encoder model folder: rerank the first-stage candidates." };
        var rerankTop = new Option<int>("--rerank-top") { Description = "Candidates to rerank.", DefaultValueFactory = _ => 100 };
        var split = new Option<string>("--split") { Description = "The qrels split.", DefaultValueFactory = _ => "test" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("retrieval", "Index a BEIR dataset in a temporary embedded store and score its queries.")
        {
            dataset, mode, model, rerank, rerankTop, split, json,
        };
        command.SetAction((parseResult, cancellationToken) => CliErrors.RunAsync(parseResult, async () =>
        {
            var total = Stopwatch.StartNew();
            string selectedMode = parseResult.GetValue(mode) ?? "bm25";
            string? modelDir = parseResult.GetValue(model);
            if (selectedMode != "bm25" && string.IsNullOrEmpty(modelDir))
            {
                throw new ArgumentException($"--mode {selectedMode} needs --model <dir>.");
            }

            int top = parseResult.GetValue(rerankTop);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top, "--rerank-top");
            IReranker? reranker = null;
            if (parseResult.GetValue(rerank) is { Length: > 0 } rerankDir)
            {
                Func<string, CancellationToken, Task<IReranker>> factory = RerankerFactory
                    ?? throw new NotSupportedException("--rerank needs the cross-encoder reranker (LlamaDb.Retrieval.Onnx), which this build does not include yet.");
                reranker = await factory(rerankDir, cancellationToken);
            }

            using IDisposable? ownedReranker = reranker as IDisposable;

            BeirDataset data = await BeirDataset.LoadAsync(parseResult.GetValue(dataset)!, parseResult.GetValue(split) ?? "test", cancellationToken); // Required option
            using OnnxEmbeddingGenerator? onnx = modelDir is null || selectedMode == "bm25" ? null : await OnnxEmbeddingGenerator.CreateAsync(modelDir, cancellationToken: cancellationToken);
            IEmbeddingGenerator<string, Embedding<float>> generator = onnx ?? (IEmbeddingGenerator<string, Embedding<float>>)new ConstantEmbeddingGenerator();
            int dimensions = onnx is null ? 1 : (await onnx.GenerateAsync(["dimensions"], cancellationToken: cancellationToken))[0].Vector.Length;

            string root = Path.Combine(Path.GetTempPath(), "llamadb-eval-" + Guid.NewGuid().ToString("N"));
            try
            {
                using var store = new HnswVectorStore(root);
                var options = new HnswCollectionOptions
                {
                    Definition = ChunkRecordDefinition.Create(dimensions, indexKind: selectedMode == "bm25" ? IndexKind.Flat : IndexKind.Hnsw),
                    EmbeddingGenerator = generator,
                    Durability = HnswDurability.GroupCommit,
                    Seed = 42,
                };
                using HnswCollection<string, ChunkRecord> collection = store.GetCollection<string, ChunkRecord>("eval", options);
                var indexing = Stopwatch.StartNew();
                await RetrievalEvaluator.IndexCorpusAsync(collection, data, cancellationToken: cancellationToken);
                double indexSeconds = indexing.Elapsed.TotalSeconds;

                Dictionary<string, string> texts = data.Corpus.ToDictionary(d => d.Id, d => d.Text, StringComparer.Ordinal);
                RetrievalEvaluation result = await RetrievalEvaluator.EvaluateAsync(data, async (query, depth, token) =>
                {
                    int fetch = reranker is null ? depth : Math.Max(depth, top);
                    IAsyncEnumerable<VectorSearchResult<ChunkRecord>> hits = selectedMode switch
                    {
                        "vector" => collection.SearchAsync(query, fetch, cancellationToken: token),
                        // bm25: keyword-only search on the full-text index (the vector property is a constant, never searched).
                        "bm25" => collection.KeywordSearchAsync([query], fetch, new KeywordSearchOptions<ChunkRecord> { FullTextProperty = static r => r.Text }, token),
                        _ => collection.HybridSearchAsync(query, [query], fetch, cancellationToken: token),
                    };
                    IReadOnlyList<string> ids = await RetrievalEvaluator.ToDocumentIdsAsync(hits, token);
                    return reranker is null ? ids : await RetrievalEvaluator.RerankAsync(reranker, query, ids, id => texts[id], top, token);
                }, cancellationToken);

                if (parseResult.GetValue(json))
                {
                    using Stream stdout = Console.OpenStandardOutput();
                    await using (var writer = new Utf8JsonWriter(stdout))
                    {
                        writer.WriteStartObject();
                        writer.WriteNumber("queries", result.Queries);
                        writer.WriteNumber("ndcg_at_10", Math.Round(result.NdcgAt10, 5));
                        writer.WriteNumber("recall_at_100", Math.Round(result.RecallAt100, 5));
                        writer.WriteNumber("mrr_at_10", Math.Round(result.MrrAt10, 5));
                        writer.WriteNumber("map_at_100", Math.Round(result.MapAt100, 5));
                        writer.WriteNumber("seconds", Math.Round(total.Elapsed.TotalSeconds, 3));
                        writer.WriteNumber("index_seconds", Math.Round(indexSeconds, 3));
                        writer.WriteNumber("query_seconds", Math.Round(result.Seconds, 3));
                        writer.WriteString("mode", selectedMode);
                        writer.WriteBoolean("reranked", reranker is not null);
                        writer.WriteEndObject();
                    }

                    Console.WriteLine();
                }
                else
                {
                    Console.WriteLine($"mode {selectedMode}{(reranker is null ? string.Empty : $" + rerank top {top}")}, {result.Queries} queries, {data.Corpus.Count} documents");
                    Console.WriteLine($"nDCG@10    {result.NdcgAt10:F4}");
                    Console.WriteLine($"Recall@100 {result.RecallAt100:F4}");
                    Console.WriteLine($"MRR@10     {result.MrrAt10:F4}");
                    Console.WriteLine($"MAP@100    {result.MapAt100:F4}");
                    Console.WriteLine($"index {indexSeconds:F1} s, queries {result.Seconds:F1} s, total {total.Elapsed.TotalSeconds:F1} s");
                }

                return 0;
            }
            finally
            {
                if (Directory.Exists(root))
                {
                    Directory.Delete(root, recursive: true);
                }
            }
        }));
        return command;
    }

    private static Command CreateSts()
    {
        var data = new Option<string>("--data") { Description = "JSON lines with sentence1, sentence2 and score (e.g. sts-test.jsonl).", Required = true };
        var model = new Option<string>("--model", "-m") { Description = "Embedding model folder.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("sts", "Spearman correlation between a model's cosine similarities and gold STS scores.") { data, model, json };
        command.SetAction((parseResult, cancellationToken) => CliErrors.RunAsync(parseResult, async () =>
        {
            var stopwatch = Stopwatch.StartNew();
            IReadOnlyList<StsPair> pairs = await StsEvaluator.LoadJsonLinesAsync(parseResult.GetValue(data)!, cancellationToken); // Required option
            using OnnxEmbeddingGenerator generator = await OnnxEmbeddingGenerator.CreateAsync(parseResult.GetValue(model)!, cancellationToken: cancellationToken);
            (double spearman, double pearson) = await StsEvaluator.EvaluateAsync(generator, pairs, cancellationToken: cancellationToken);
            if (parseResult.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["pairs"] = pairs.Count,
                    ["spearman"] = Math.Round(spearman, 5),
                    ["pearson"] = Math.Round(pearson, 5),
                    ["seconds"] = Math.Round(stopwatch.Elapsed.TotalSeconds, 3),
                }));
            }
            else
            {
                Console.WriteLine($"{pairs.Count} pairs: Spearman {spearman:F4}, Pearson {pearson:F4} ({stopwatch.Elapsed.TotalSeconds:F1} s)");
            }

            return 0;
        }));
        return command;
    }

    /// <summary>Every text gets the same unit vector, so BM25 mode needs no model (the record type has a text-embedded vector property).</summary>
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
