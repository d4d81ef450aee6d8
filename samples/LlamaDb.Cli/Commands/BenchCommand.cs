using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using LlamaDb.Embedders.Onnx;
using LlamaDb.Embedders.Onnx.Tokenization;
using Microsoft.Extensions.AI;

namespace LlamaDb.Cli.Commands;

/// <summary><c>llamadb bench embed</c>: end-to-end embedding throughput (tokenize + run + pool + normalize).</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks.");
        bench.Subcommands.Add(CreateEmbed());
        bench.Subcommands.Add(BenchAnnCommand.Create());
        bench.Subcommands.Add(BenchStoreCommand.Create());
        bench.Subcommands.Add(BenchRagCommand.Create());
        bench.Subcommands.Add(BenchPostgresCommand.Create());
        return bench;
    }

    private static Command CreateEmbed()
    {
        var input = new Option<FileInfo>("--input", "-i")
        {
            Description = "Texts: one per line, or a BEIR corpus.jsonl (title + text).",
            Required = true,
        };
        var batch = new Option<int>("--batch") { Description = "Texts per inference batch.", DefaultValueFactory = _ => 32 };
        var limit = new Option<int?>("--limit") { Description = "Use only the first N texts." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var order = new Option<string>("--order") { Description = "Batch texts ordered by token length, or in input order.", DefaultValueFactory = _ => "length" };
        order.AcceptOnlyFromAmong("length", "input");
        var repeat = new Option<int>("--repeat") { Description = "Timed passes over the texts (totals are reported).", DefaultValueFactory = _ => 1 };
        var warmupBatches = new Option<int>("--warmup-batches") { Description = "Batches embedded before timing.", DefaultValueFactory = _ => 3 };
        var dumpIds = new Option<FileInfo?>("--dump-ids") { Description = "Also write the truncated token ids (JSON lines, input order) for a side-by-side run elsewhere." };

        var command = new Command("embed", "Measure embedding throughput end to end on a file of texts.")
        {
            EmbedCommand.ModelOption, input, batch, limit, EmbedCommand.ThreadsOption, json, order, repeat, warmupBatches, dumpIds,
            EmbedCommand.PoolingOption, EmbedCommand.NormalizeOption,
        };
        command.SetAction((parseResult, cancellationToken) => CliErrors.RunAsync(parseResult, async () =>
        {
            int batchSize = parseResult.GetValue(batch);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize, "--batch");
            int repeats = parseResult.GetValue(repeat);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(repeats, "--repeat");
            bool sortByLength = parseResult.GetValue(order) != "input";
            FileInfo file = parseResult.GetValue(input)!; // Required option: the parser guarantees a value.
            List<string> texts = await ReadTextsAsync(file, parseResult.GetValue(limit), cancellationToken).ConfigureAwait(false);
            if (texts.Count == 0)
            {
                throw new InvalidDataException($"'{file.FullName}' holds no texts.");
            }

            using OnnxEmbeddingGenerator generator = await EmbedCommand.CreateGeneratorAsync(parseResult, cancellationToken, o =>
            {
                o.BatchSize = batchSize;
                o.MaxBatchTokens = int.MaxValue; // batches are cut by count only, as in the raw-session comparison
                o.SortByLength = sortByLength;
            }).ConfigureAwait(false);
            int threads = parseResult.GetValue(EmbedCommand.ThreadsOption) ?? Environment.ProcessorCount;
            BertTokenizer tokenizer = generator.Tokenizer;
            int maxLength = generator.MaxSequenceLength;

            // Tokenization alone, to report its share of the end-to-end time.
            var encoded = new TokenizedText[texts.Count];
            long tokens = 0;
            var stopwatch = Stopwatch.StartNew();
            for (int r = 0; r < repeats; r++)
            {
                for (int i = 0; i < texts.Count; i++)
                {
                    encoded[i] = tokenizer.Encode(texts[i], maxLength);
                }
            }

            double tokenizeSeconds = stopwatch.Elapsed.TotalSeconds;
            foreach (TokenizedText t in encoded)
            {
                tokens += t.InputIds.Length;
            }

            if (parseResult.GetValue(dumpIds) is { } dump)
            {
                await WriteIdsAsync(dump, encoded, cancellationToken).ConfigureAwait(false);
            }

            int[] batchOrder = OnnxEmbeddingGenerator.BatchOrder(encoded, sortByLength);
            long padded = PaddedTokens(encoded, batchOrder, batchSize);

            // Warm up on the first batches of the same ordering.
            int warmupCount = Math.Min(texts.Count, batchSize * parseResult.GetValue(warmupBatches));
            if (warmupCount > 0)
            {
                var warmup = new string[warmupCount];
                for (int i = 0; i < warmupCount; i++)
                {
                    warmup[i] = texts[batchOrder[i]];
                }

                _ = await generator.GenerateAsync(warmup, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            stopwatch.Restart();
            for (int r = 0; r < repeats; r++)
            {
                GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(texts, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (result.Count != texts.Count)
                {
                    throw new InvalidOperationException("The generator returned a different number of embeddings than texts.");
                }
            }

            double seconds = stopwatch.Elapsed.TotalSeconds;
            long totalTexts = (long)texts.Count * repeats;
            long totalTokens = tokens * repeats;

            if (parseResult.GetValue(json))
            {
                using Stream stdout = Console.OpenStandardOutput();
                await using var writer = new Utf8JsonWriter(stdout);
                writer.WriteStartObject();
                writer.WriteNumber("texts", totalTexts);
                writer.WriteNumber("tokens", totalTokens);
                writer.WriteNumber("seconds", Math.Round(seconds, 6));
                writer.WriteNumber("texts_per_second", Math.Round(totalTexts / seconds, 3));
                writer.WriteNumber("tokens_per_second", Math.Round(totalTokens / seconds, 3));
                writer.WriteNumber("batch", batchSize);
                writer.WriteNumber("threads", threads);
                writer.WriteString("engine", "llamadb");
                writer.WriteString("order", sortByLength ? "length" : "input");
                writer.WriteNumber("repeat", repeats);
                writer.WriteNumber("padded_tokens", padded * repeats);
                writer.WriteNumber("tokenize_seconds", Math.Round(tokenizeSeconds, 6));
                writer.WriteNumber("tokenize_share", Math.Round(tokenizeSeconds / seconds, 6));
                writer.WriteString("model", generator.ModelId);
                writer.WriteNumber("max_length", maxLength);
                writer.WriteString("ort_version", OnnxRuntime.Version);
                writer.WriteEndObject();
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                Console.WriteLine();
            }
            else
            {
                Console.WriteLine($"{totalTexts} texts, {totalTokens} tokens in {seconds:F3} s: {totalTexts / seconds:F1} texts/s, {totalTokens / seconds:F0} tokens/s (batch {batchSize}, {threads} threads, order {(sortByLength ? "length" : "input")}); tokenization {tokenizeSeconds / seconds:P2} of that time");
            }

            return 0;
        }));
        return command;
    }

    /// <summary>Padded tokens the batches hold (batch size × longest text, summed).</summary>
    private static long PaddedTokens(TokenizedText[] encoded, int[] order, int batchSize)
    {
        long padded = 0;
        for (int start = 0; start < order.Length; start += batchSize)
        {
            int count = Math.Min(batchSize, order.Length - start);
            int longest = 0;
            for (int i = 0; i < count; i++)
            {
                longest = Math.Max(longest, encoded[order[start + i]].InputIds.Length);
            }

            padded += (long)longest * count;
        }

        return padded;
    }

    internal static async Task<List<string>> ReadTextsAsync(FileInfo file, int? limit, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new FileNotFoundException($"The input file '{file.FullName}' does not exist.", file.FullName);
        }

        var texts = new List<string>();
        int lineNumber = 0;
        using StreamReader reader = file.OpenText();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (limit is { } max && texts.Count >= max)
            {
                break;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (line.TrimStart().StartsWith('{'))
            {
                texts.Add(ParseBeirLine(line, file.FullName, lineNumber));
            }
            else
            {
                texts.Add(line);
            }
        }

        return texts;
    }

    /// <summary>A BEIR corpus line: <c>title + " " + text</c>, as BEIR's sentence-transformers models see it.</summary>
    private static string ParseBeirLine(string line, string path, int lineNumber)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            string title = doc.RootElement.TryGetProperty("title", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : string.Empty;
            string text = doc.RootElement.TryGetProperty("text", out JsonElement x) && x.ValueKind == JsonValueKind.String ? x.GetString()! : string.Empty;
            return title.Length == 0 ? text : text.Length == 0 ? title : $"{title} {text}";
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}:{lineNumber}: not a JSON object ({ex.Message}).", ex);
        }
    }

    private static async Task WriteIdsAsync(FileInfo file, TokenizedText[] encoded, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(file.FullName);
        var line = new System.Text.StringBuilder();
        foreach (TokenizedText text in encoded)
        {
            line.Clear().Append('[');
            for (int i = 0; i < text.InputIds.Length; i++)
            {
                if (i > 0)
                {
                    line.Append(',');
                }

                line.Append(text.InputIds[i]);
            }

            line.Append(']');
            await writer.WriteLineAsync(line, cancellationToken).ConfigureAwait(false);
        }
    }
}
