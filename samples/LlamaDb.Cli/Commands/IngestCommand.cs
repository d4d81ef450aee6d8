using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using LlamaDb.Cli.Settings;
using LlamaDb.Cli.Store;
using LlamaDb.Embedders.Onnx;
using LlamaDb.Retrieval;
using LlamaDb.Retrieval.Onnx;
using LlamaDb.Server.Stores;
using Spectre.Console;

namespace LlamaDb.Cli.Commands;

/// <summary><c>llamadb ingest</c>: load files, chunk them by model tokens, embed and store them in a collection.</summary>
internal static class IngestCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Files or folders to ingest (.md, .txt, .html, ...).", Arity = ArgumentArity.OneOrMore };
        var store = StoreOptions.Store();
        var collection = StoreOptions.Collection();
        var model = StoreOptions.Model("Embedding model folder or hub repo id. Default: the model the collection was built with, else LLAMADB_MODEL, else \"model\" in llamadb.json.");
        var chunker = new Option<string?>("--chunker") { Description = "token, sentence, recursive or markdown (default markdown)." };
        chunker.AcceptOnlyFromAmong("token", "sentence", "recursive", "markdown");
        var maxTokens = new Option<int?>("--max-tokens") { Description = "Chunk size limit in model tokens. Default: the model's maximum sequence length - 2." };
        var overlap = new Option<int?>("--overlap") { Description = "Tokens shared by neighboring chunks (token and sentence chunkers). Default: 32, at most a quarter of --max-tokens." };
        var include = new Option<string[]>("--include") { Description = "Glob of files to take inside folders (repeatable; default **/*).", AllowMultipleArgumentsPerToken = true };
        var exclude = new Option<string[]>("--exclude") { Description = "Glob of files to leave out inside folders (repeatable).", AllowMultipleArgumentsPerToken = true };
        var force = new Option<bool>("--force") { Description = "Re-embed documents even when their content is unchanged." };

        var command = new Command("ingest", "Load, chunk, embed and store files in a collection (unchanged files are skipped).")
        {
            paths, store, collection, model, chunker, maxTokens, overlap, include, exclude, force,
        };
        command.SetAction((parseResult, cancellationToken) => CliErrors.RunAsync(parseResult, async () =>
        {
            CliSettings settings = CliSettings.Load(parseResult);
            string storePath = settings.Require("store", parseResult.GetValue(store), "--store");
            string name = settings.Require("collection", parseResult.GetValue(collection), "--collection");
            List<SourceFile> files = FindFiles(parseResult.GetValue(paths) ?? [], parseResult.GetValue(include), parseResult.GetValue(exclude));
            if (files.Count == 0)
            {
                throw new CliUsageException("No files to ingest: the paths hold no file a loader reads (.md, .html, .txt, ...) that matches --include/--exclude.");
            }

            using ChunkStore chunks = await OpenAsync(storePath, name, parseResult.GetValue(model), settings.Get("model", null), parseResult.GetValue(force), cancellationToken);
            OnnxEmbeddingGenerator generator = chunks.Generator!; // opened for ingest with a model
            CollectionManifest? manifest = chunks.Manifest;
            string modelSpec = chunks.ModelSpec;
            int modelLimit = generator.MaxSequenceLength - BertTokenCounter.SpecialTokens;
            int limit = parseResult.GetValue(maxTokens) ?? manifest?.MaxTokens ?? modelLimit;
            if (limit <= 0 || limit > modelLimit)
            {
                throw new CliUsageException($"--max-tokens {limit} is out of range: the model takes at most {modelLimit} tokens per chunk ({generator.MaxSequenceLength} minus [CLS] and [SEP]).");
            }

            int shared = parseResult.GetValue(overlap) ?? manifest?.Overlap ?? Math.Min(32, limit / 4);
            if (shared < 0 || shared >= limit)
            {
                throw new CliUsageException($"--overlap {shared} must be at least 0 and less than --max-tokens ({limit}).");
            }

            string chunkerName = parseResult.GetValue(chunker) ?? manifest?.Chunker ?? "markdown";
            var chunkerOptions = new ChunkerOptions { MaxTokens = limit, OverlapTokens = shared, TokenCounter = new BertTokenCounter(generator.Tokenizer) };
            IChunker splitter = chunkerName switch
            {
                "token" => new TokenWindowChunker(chunkerOptions),
                "sentence" => new SentenceChunker(chunkerOptions),
                "recursive" => new RecursiveChunker(chunkerOptions),
                _ => new MarkdownChunker(chunkerOptions),
            };

            await chunks.Collection.EnsureCollectionExistsAsync(cancellationToken);
            DateTimeOffset now = DateTimeOffset.UtcNow;
            var written = new CollectionManifest
            {
                // A folder is recorded as a full path, so search works from any working folder.
                Model = Directory.Exists(modelSpec) ? Path.GetFullPath(modelSpec) : modelSpec,
                ModelPath = Directory.Exists(modelSpec) ? Path.GetFullPath(modelSpec) : null,
                ModelId = generator.ModelId,
                Dimensions = generator.Dimensions,
                MaxSequenceLength = generator.MaxSequenceLength,
                Chunker = chunkerName,
                MaxTokens = limit,
                Overlap = shared,
                CreatedAt = manifest?.CreatedAt ?? now,
                UpdatedAt = now,
            };
            await chunks.Backend.SetManifestAsync(name, written.ToJson(), cancellationToken);

            var pipeline = new IngestionPipeline(chunks.Collection, splitter, new IngestionOptions { Force = parseResult.GetValue(force) });
            var tracker = new ProgressTracker(files.Count);
            var problems = new List<DocumentLoadProblem>();
            IAsyncEnumerable<Document> documents = LoadAsync(files, tracker, problems, cancellationToken);

            IngestionResult result;
            if (!Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive)
            {
                result = await RunWithLiveProgressAsync(pipeline, documents, tracker, cancellationToken);
            }
            else
            {
                result = await pipeline.IngestAsync(documents, new InlineProgress(p =>
                {
                    tracker.Update(p);
                    Console.WriteLine(tracker.Describe());
                }), cancellationToken);
            }

            foreach (DocumentLoadProblem problem in problems)
            {
                await Console.Error.WriteLineAsync($"llamadb: warning: skipped {problem.Source}: {problem.Message}");
            }

            foreach (IngestionFailure failure in result.Failures)
            {
                await Console.Error.WriteLineAsync($"llamadb: warning: failed {failure.Source}: {failure.Message}");
            }

            PrintSummary(result.Progress, files.Count, problems.Count, chunks, await chunks.CountAsync(cancellationToken), chunkerName, limit);
            return problems.Count + result.Failures.Count > 0 && result.Progress.Documents - result.Progress.DocumentsFailed == 0 ? 1 : 0;
        }));
        return command;
    }

    /// <summary>
    /// Opens the store and the collection with its model: <paramref name="modelFlag"/>, else the one the collection
    /// records, else <paramref name="modelSetting"/>.
    /// </summary>
    private static async Task<ChunkStore> OpenAsync(string store, string name, string? modelFlag, string? modelSetting, bool force, CancellationToken cancellationToken)
    {
        ChunkStoreBackend backend = ChunkStore.OpenBackend(store);
        try
        {
            CollectionManifest? manifest = await ChunkStore.ReadManifestAsync(backend, name, cancellationToken);
            string modelSpec = modelFlag ?? manifest?.Model ?? modelSetting
                ?? throw new CliUsageException("ingest needs an embedding model: pass --model <dir|repo-id>, set LLAMADB_MODEL, or put \"model\" in llamadb.json.");
            OnnxEmbeddingGenerator generator = await ChunkStore.LoadModelAsync(modelSpec, quiet: false, cancellationToken);
            try
            {
                return ChunkStore.OpenForIngest(backend, name, generator, manifest, modelSpec, force);
            }
            catch
            {
                generator.Dispose();
                throw;
            }
        }
        catch
        {
            backend.Dispose();
            throw;
        }
    }

    /// <summary>The files to read: folders expanded with the include/exclude globs; ids and sources are paths relative to the current folder.</summary>
    private static List<SourceFile> FindFiles(string[] paths, string[]? include, string[]? exclude)
    {
        var loaders = new DirectoryLoaderOptions().Loaders;
        var files = new List<SourceFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                var options = new DirectoryLoaderOptions();
                if (include is { Length: > 0 })
                {
                    options.Include.Clear();
                    foreach (string glob in include)
                    {
                        options.Include.Add(glob);
                    }
                }

                foreach (string glob in exclude ?? [])
                {
                    options.Exclude.Add(glob);
                }

                var directoryLoader = new DirectoryDocumentLoader(options);
                foreach (string relative in directoryLoader.GetMatchingFiles(path))
                {
                    string full = Path.GetFullPath(Path.Combine(path, relative));
                    IDocumentLoader? loader = options.Loaders.FirstOrDefault(l => l.CanLoad(full));
                    if (loader is not null && seen.Add(full))
                    {
                        files.Add(new SourceFile(full, DisplayPath(full), loader));
                    }
                }
            }
            else if (File.Exists(path))
            {
                string full = Path.GetFullPath(path);
                IDocumentLoader loader = loaders.FirstOrDefault(l => l.CanLoad(full))
                    ?? throw new CliUsageException($"No loader reads '{path}' (supported: .md, .markdown, .mdx, .html, .htm, .txt, .text, .log, .csv, .tsv).");
                if (seen.Add(full))
                {
                    files.Add(new SourceFile(full, DisplayPath(full), loader));
                }
            }
            else
            {
                throw new CliUsageException($"'{path}' is neither a file nor a folder.");
            }
        }

        return files;
    }

    private static string DisplayPath(string full)
    {
        string relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), full);
        return (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative).Replace('\\', '/');
    }

    private static async IAsyncEnumerable<Document> LoadAsync(List<SourceFile> files, ProgressTracker tracker, List<DocumentLoadProblem> problems, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (SourceFile file in files)
        {
            Document? document = null;
            try
            {
                Document loaded = await file.Loader.LoadAsync(file.FullPath, file.Id, cancellationToken);
                // The source is the same short path as the id, so filters read naturally: source == "docs/a.md".
                document = new Document(loaded.Id, file.Id, loaded.Text, loaded.Title, loaded.Metadata);
            }
            catch (DocumentLoadException ex)
            {
                lock (problems)
                {
                    problems.Add(ex.Problem);
                }
            }

            tracker.FileRead();
            if (document is not null)
            {
                yield return document;
            }
        }
    }

    private static async Task<IngestionResult> RunWithLiveProgressAsync(IngestionPipeline pipeline, IAsyncEnumerable<Document> documents, ProgressTracker tracker, CancellationToken cancellationToken)
    {
        IngestionResult? result = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask("ingesting", maxValue: Math.Max(1, tracker.TotalFiles));
                Task<IngestionResult> run = pipeline.IngestAsync(documents, new InlineProgress(tracker.Update), cancellationToken);
                while (!run.IsCompleted)
                {
                    // Screen refresh cadence for the live view; the work itself is awaited below.
                    await Task.WhenAny(run, Task.Delay(TimeSpan.FromMilliseconds(250), CancellationToken.None));
                    task.Value = tracker.Done;
                    task.Description = Markup.Escape(tracker.Describe());
                }

                result = await run;
                tracker.Update(result.Progress);
                task.Value = task.MaxValue;
                task.Description = Markup.Escape(tracker.Describe());
            });
        return result!; // set inside the progress callback, which ran to completion
    }

    private static void PrintSummary(IngestionProgress p, int files, int unreadable, ChunkStore chunks, long count, string chunker, int maxTokens)
    {
        double seconds = Math.Max(p.Elapsed.TotalSeconds, 1e-9);
        var table = new Table().Border(TableBorder.Rounded).Title("ingest summary");
        table.AddColumn("");
        table.AddColumn(new TableColumn("").RightAligned());
        void Row(string key, string value) => table.AddRow(Markup.Escape(key), Markup.Escape(value));
        Row("files found", files.ToString(CultureInfo.InvariantCulture));
        Row("documents written", (p.Documents - p.DocumentsSkipped - p.DocumentsFailed).ToString(CultureInfo.InvariantCulture));
        Row("documents unchanged (skipped)", p.DocumentsSkipped.ToString(CultureInfo.InvariantCulture));
        Row("documents failed", (p.DocumentsFailed + unreadable).ToString(CultureInfo.InvariantCulture));
        Row("chunks embedded", p.Chunks.ToString(CultureInfo.InvariantCulture));
        Row("stale chunks deleted", p.ChunksDeleted.ToString(CultureInfo.InvariantCulture));
        Row("tokens", p.Tokens.ToString(CultureInfo.InvariantCulture));
        Row("embeddings/s", (p.Chunks / seconds).ToString("F1", CultureInfo.InvariantCulture));
        Row("time", $"{p.Elapsed.TotalSeconds:F2} s");
        Row("collection", $"{chunks.Collection.Name} ({count} chunks)");
        Row("store", chunks.Backend.Display);
        Row("model", $"{chunks.ModelSpec} ({chunks.Generator!.Dimensions} dims)"); // ingest always opens with a model
        Row("chunker", $"{chunker}, max {maxTokens} tokens");
        AnsiConsole.Write(table);
    }

    private sealed record SourceFile(string FullPath, string Id, IDocumentLoader Loader);

    /// <summary>Calls back on the reporting thread (no synchronization context hop, unlike Progress{T}).</summary>
    private sealed class InlineProgress(Action<IngestionProgress> report) : IProgress<IngestionProgress>
    {
        public void Report(IngestionProgress value) => report(value);
    }

    /// <summary>Files read and the pipeline's latest counts; the ETA extrapolates from files handled so far.</summary>
    private sealed class ProgressTracker(int totalFiles)
    {
        private readonly Lock _lock = new();
        private readonly Stopwatch _stopwatch = Stopwatch.StartNew();
        private int _filesRead;
        private IngestionProgress _latest = new();

        public int TotalFiles => totalFiles;

        public int Done
        {
            get
            {
                lock (_lock)
                {
                    return _latest.Documents;
                }
            }
        }

        public void FileRead() => Interlocked.Increment(ref _filesRead);

        public void Update(IngestionProgress progress)
        {
            lock (_lock)
            {
                if (progress.Documents >= _latest.Documents)
                {
                    _latest = progress;
                }
            }
        }

        public string Describe()
        {
            IngestionProgress p;
            lock (_lock)
            {
                p = _latest;
            }

            double elapsed = _stopwatch.Elapsed.TotalSeconds;
            double rate = p.Elapsed.TotalSeconds > 0 ? p.Chunks / p.Elapsed.TotalSeconds : 0;
            string eta = p.Documents > 0 && p.Documents < totalFiles
                ? $"{elapsed / p.Documents * (totalFiles - p.Documents):F0} s"
                : p.Documents >= totalFiles ? "0 s" : "?";
            return string.Create(CultureInfo.InvariantCulture,
                $"files {p.Documents}/{totalFiles} (read {Volatile.Read(ref _filesRead)}), chunks {p.Chunks}, {rate:F1} embeddings/s, ETA {eta}");
        }
    }
}
