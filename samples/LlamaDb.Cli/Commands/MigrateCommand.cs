using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LlamaDb.Cli.Settings;
using LlamaDb.Cli.Store;
using LlamaDb.Server.Stores;
using LlamaDb.VectorData;
using Spectre.Console;

namespace LlamaDb.Cli.Commands;

/// <summary>
/// <c>llamadb migrate</c>: copies a chunk collection, records and their vectors (no re-embedding), with its model record,
/// from one store to another (typically a folder to PostgreSQL), then checks that the target holds as many records as the source.
/// </summary>
internal static class MigrateCommand
{
    private const int DefaultBatchSize = 500;

    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "The source store: hnsw:<dir> (or a folder path), or postgres:<connection-string>.", Required = true };
        var to = new Option<string>("--to") { Description = "The target store: postgres:<connection-string>, or hnsw:<dir> (or a folder path).", Required = true };
        var collection = StoreOptions.Collection();
        var batchSize = new Option<int?>("--batch-size") { Description = $"Records read and upserted per batch (default {DefaultBatchSize})." };
        var json = StoreOptions.Json("Print one JSON object {\"records\":N,\"seconds\":S,...} on stdout (progress goes to stderr).");
        var command = new Command("migrate", """
            Copy a collection with its vectors and its model record from one store to another, e.g.
            llamadb migrate --from hnsw:store --to "postgres:Host=localhost;Username=app;Password=...;Database=rag" --collection kb.
            Records are upserted, so running it again is safe; the target must end with as many records as the source.
            """)
        {
            from, to, collection, batchSize, json,
        };
        command.SetAction((parseResult, cancellationToken) => CliErrors.RunAsync(parseResult, async () =>
        {
            CliSettings settings = CliSettings.Load(parseResult);
            string name = settings.Require("collection", parseResult.GetValue(collection), "--collection");
            int batch = parseResult.GetValue(batchSize) ?? DefaultBatchSize;
            if (batch <= 0)
            {
                throw new CliUsageException($"--batch-size must be positive, not {batch}.");
            }

            bool asJson = parseResult.GetValue(json);
            var stopwatch = Stopwatch.StartNew();
            using ChunkStoreBackend source = ChunkStore.OpenBackend(parseResult.GetValue(from)!); // a required option
            using ChunkStoreBackend target = ChunkStore.OpenBackend(parseResult.GetValue(to)!); // a required option
            if (SameStore(source, target))
            {
                throw new CliUsageException($"--from and --to name the same store ({source.Display}); migrate copies a collection to another store.");
            }

            await ChunkStore.RequireCollectionAsync(source, name, cancellationToken);
            string manifestJson = await source.GetManifestAsync(name, cancellationToken)
                ?? throw new CliUsageException($"Collection '{name}' in '{source.Display}' has no model record ({CollectionManifest.FileName} in a folder store; it was not made by llamadb ingest), so its dimensions are unknown.");
            CollectionManifest manifest = CollectionManifest.Parse(manifestJson, $"collection '{name}' in {source.Display}")!; // the JSON is not null
            CollectionManifest? existing = await ChunkStore.ReadManifestAsync(target, name, cancellationToken);
            if (existing is not null && !SameModel(existing, manifest))
            {
                throw new CliUsageException(
                    $"Collection '{name}' in '{target.Display}' already holds embeddings of model '{existing.Model}' ({existing.Dimensions} dimensions); the source's are of '{manifest.Model}' "
                    + $"({manifest.Dimensions} dimensions). Delete it first (llamadb collections delete --store <target> --collection {name}).");
            }

            using VectorStoreCollection<object, Dictionary<string, object?>> reader = source.GetStoredChunks(name, manifest.Dimensions);
            using VectorStoreCollection<object, Dictionary<string, object?>> writer = target.GetStoredChunks(name, manifest.Dimensions);
            long total = await ChunkStoreBackend.CountAsync(reader, cancellationToken);
            await writer.EnsureCollectionExistsAsync(cancellationToken);

            long copied = await CopyAsync(reader, writer, batch, total, name, cancellationToken);
            await target.SetManifestAsync(name, manifestJson, cancellationToken);
            if (target.Checkpoints)
            {
                await target.CheckpointAsync(writer, cancellationToken);
            }

            long inTarget = await ChunkStoreBackend.CountAsync(writer, cancellationToken);
            double seconds = stopwatch.Elapsed.TotalSeconds;
            if (inTarget != total || copied != total)
            {
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"llamadb: error: migrate did not verify: the source collection '{name}' in '{source.Display}' holds {total} records, {copied} were copied, and the target in '{target.Display}' holds {inTarget}."));
                return 1;
            }

            if (asJson)
            {
                WriteJson(copied, seconds, name, source, target);
            }
            else
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Migrated {copied} records of collection '{name}' from {source.Display} to {target.Display} in {seconds:F2} s ({copied / Math.Max(seconds, 1e-9):F0} records/s); the target holds {inTarget} records."));
            }

            return 0;
        }));
        return command;
    }

    /// <summary>Copies every record in batches, reporting progress on stderr (a live bar on a terminal, lines otherwise).</summary>
    private static async Task<long> CopyAsync(
        VectorStoreCollection<object, Dictionary<string, object?>> reader, VectorStoreCollection<object, Dictionary<string, object?>> writer,
        int batch, long total, string name, CancellationToken cancellationToken)
    {
        long copied = 0;
        var stopwatch = Stopwatch.StartNew();
        if (!Console.IsErrorRedirected)
        {
            IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            await console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    ProgressTask task = context.AddTask(Markup.Escape($"migrating {name}"), maxValue: Math.Max(1, total));
                    await foreach (IReadOnlyList<Dictionary<string, object?>> page in StoredChunkReader.ReadAllAsync(reader, batch, cancellationToken))
                    {
                        await writer.UpsertAsync(page, cancellationToken);
                        copied += page.Count;
                        task.Value = copied;
                    }

                    task.Value = task.MaxValue;
                });
            return copied;
        }

        await foreach (IReadOnlyList<Dictionary<string, object?>> page in StoredChunkReader.ReadAllAsync(reader, batch, cancellationToken))
        {
            await writer.UpsertAsync(page, cancellationToken);
            copied += page.Count;
            double rate = copied / Math.Max(stopwatch.Elapsed.TotalSeconds, 1e-9);
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"llamadb: migrate: {copied}/{total} records ({100.0 * copied / Math.Max(1, total):F1}%), {rate:F0} records/s"));
        }

        return copied;
    }

    private static bool SameStore(ChunkStoreBackend source, ChunkStoreBackend target) =>
        source.Kind == target.Kind && (source, target) switch
        {
            (FolderChunkStoreBackend a, FolderChunkStoreBackend b) => string.Equals(Path.GetFullPath(a.Folder).TrimEnd('/'), Path.GetFullPath(b.Folder).TrimEnd('/'), StringComparison.Ordinal),
            _ => string.Equals(source.Display, target.Display, StringComparison.Ordinal),
        };

    private static bool SameModel(CollectionManifest existing, CollectionManifest source) =>
        existing.Dimensions == source.Dimensions
        && (string.Equals(existing.Model, source.Model, StringComparison.Ordinal)
            || (existing.ModelId is not null && string.Equals(existing.ModelId, source.ModelId, StringComparison.Ordinal)));

    private static void WriteJson(long records, double seconds, string name, ChunkStoreBackend source, ChunkStoreBackend target)
    {
        using Stream stdout = Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            // The contract: records, seconds. Fields after them are additions.
            writer.WriteNumber("records", records);
            writer.WriteNumber("seconds", Math.Round(seconds, 3));
            writer.WriteString("collection", name);
            writer.WriteString("from", source.Display);
            writer.WriteString("to", target.Display);
            writer.WriteEndObject();
        }

        Console.WriteLine();
    }
}
