using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LlamaDb.Cli.Settings;
using LlamaDb.Cli.Store;
using LlamaDb.Retrieval;
using LlamaDb.Server.Stores;
using LlamaDb.VectorData;
using Spectre.Console;

namespace LlamaDb.Cli.Commands;

/// <summary><c>llamadb collections list|info|delete</c>.</summary>
internal static class CollectionsCommand
{
    public static Command Create()
    {
        var command = new Command("collections", "List, describe and delete the collections of a store.");
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateInfo());
        command.Subcommands.Add(CreateDelete());
        return command;
    }

    private static Command CreateList()
    {
        var store = StoreOptions.Store();
        var json = StoreOptions.Json("Print {\"collections\":[{\"name\",\"chunks\",\"dimensions\",\"model\",\"bytes\"}]}.");
        var command = new Command("list", "List the collections in a store.") { store, json };
        command.SetAction((parseResult, cancellationToken) => CliErrors.RunAsync(parseResult, async () =>
        {
            string storePath = CliSettings.Load(parseResult).Require("store", parseResult.GetValue(store), "--store");
            var infos = new List<CollectionInfo>();
            using (ChunkStoreBackend backend = ChunkStore.OpenBackend(storePath))
            {
                RequireStore(backend);
                foreach (string name in await backend.ListAsync(cancellationToken))
                {
                    infos.Add(await DescribeAsync(backend, name, cancellationToken));
                }

                storePath = backend.Display;
            }

            if (parseResult.GetValue(json))
            {
                WriteJson(writer =>
                {
                    writer.WriteStartArray("collections");
                    foreach (CollectionInfo info in infos)
                    {
                        WriteInfo(writer, info);
                    }

                    writer.WriteEndArray();
                });
                return 0;
            }

            if (infos.Count == 0)
            {
                Console.WriteLine($"No collections in {storePath}.");
                return 0;
            }

            var table = new Table().Border(TableBorder.Rounded);
            table.AddColumns("collection", "chunks", "dims", "model", "size");
            foreach (CollectionInfo info in infos)
            {
                table.AddRow(
                    Markup.Escape(info.Name),
                    info.Chunks?.ToString(CultureInfo.InvariantCulture) ?? "?",
                    info.Manifest?.Dimensions.ToString(CultureInfo.InvariantCulture) ?? "?",
                    Markup.Escape(info.Manifest?.Model ?? "(not recorded)"),
                    FormatBytes(info.Bytes));
            }

            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static Command CreateInfo()
    {
        var store = StoreOptions.Store();
        var collection = StoreOptions.Collection();
        var json = StoreOptions.Json("Print one JSON object.");
        var command = new Command("info", "Describe a collection: chunks, documents, model, chunking, size on disk.") { store, collection, json };
        command.SetAction((parseResult, cancellationToken) => CliErrors.RunAsync(parseResult, async () =>
        {
            CliSettings settings = CliSettings.Load(parseResult);
            string storePath = settings.Require("store", parseResult.GetValue(store), "--store");
            string name = settings.Require("collection", parseResult.GetValue(collection), "--collection");
            CollectionInfo info;
            string location;
            string locationKind;
            using (ChunkStoreBackend backend = ChunkStore.OpenBackend(storePath))
            {
                await ChunkStore.RequireCollectionAsync(backend, name, cancellationToken);
                info = await DescribeAsync(backend, name, cancellationToken);
                location = backend.Describe(name);
                locationKind = backend.Kind == "postgres" ? "table" : "folder";
            }

            if (parseResult.GetValue(json))
            {
                WriteJson(writer =>
                {
                    writer.WritePropertyName("collection");
                    WriteInfo(writer, info);
                });
                return 0;
            }

            var table = new Table().Border(TableBorder.Rounded).HideHeaders();
            table.AddColumns("", "");
            void Row(string key, string? value) => table.AddRow(Markup.Escape(key), Markup.Escape(value ?? "-"));
            Row("collection", info.Name);
            Row(locationKind, location);
            Row("chunks", info.Chunks?.ToString(CultureInfo.InvariantCulture));
            Row("model", info.Manifest?.Model);
            Row("model id", info.Manifest?.ModelId);
            Row("dimensions", info.Manifest?.Dimensions.ToString(CultureInfo.InvariantCulture));
            Row("chunker", info.Manifest is { Chunker: { } c } m ? $"{c}, max {m.MaxTokens} tokens, overlap {m.Overlap}" : null);
            Row("created", info.Manifest?.CreatedAt.ToString("u", CultureInfo.InvariantCulture));
            Row("updated", info.Manifest?.UpdatedAt.ToString("u", CultureInfo.InvariantCulture));
            Row("size", FormatBytes(info.Bytes));
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static Command CreateDelete()
    {
        var store = StoreOptions.Store();
        var collection = StoreOptions.Collection();
        var json = StoreOptions.Json("Print {\"deleted\":\"<name>\"}.");
        var command = new Command("delete", "Delete a collection and its files.") { store, collection, json };
        command.SetAction((parseResult, cancellationToken) => CliErrors.RunAsync(parseResult, async () =>
        {
            CliSettings settings = CliSettings.Load(parseResult);
            string storePath = settings.Require("store", parseResult.GetValue(store), "--store");
            string name = settings.Require("collection", parseResult.GetValue(collection), "--collection");
            using (ChunkStoreBackend backend = ChunkStore.OpenBackend(storePath))
            {
                await ChunkStore.RequireCollectionAsync(backend, name, cancellationToken);
                await backend.DeleteAsync(name, cancellationToken);
                storePath = backend.Display;
            }

            if (parseResult.GetValue(json))
            {
                WriteJson(writer => writer.WriteString("deleted", name));
            }
            else
            {
                Console.WriteLine($"Deleted collection '{name}' from {storePath}.");
            }

            return 0;
        }));
        return command;
    }

    private static void RequireStore(ChunkStoreBackend backend)
    {
        if (!backend.Exists)
        {
            throw new CliUsageException($"Store '{backend.Display}' does not exist.");
        }
    }

    private static async Task<CollectionInfo> DescribeAsync(ChunkStoreBackend backend, string name, CancellationToken cancellationToken)
    {
        long bytes = await backend.SizeBytesAsync(name, cancellationToken) ?? 0;
        CollectionManifest? manifest = await ChunkStore.ReadManifestAsync(backend, name, cancellationToken);
        long? chunks = null;
        if (manifest is not null)
        {
            VectorStoreCollection<string, ChunkRecord> collection = backend.GetChunks(name, manifest.Dimensions, new ChunkStore.UnavailableEmbeddingGenerator());
            using (collection)
            {
                chunks = await ChunkStoreBackend.CountAsync(collection, cancellationToken);
            }
        }

        return new CollectionInfo(name, chunks, manifest, bytes);
    }

    private static void WriteInfo(Utf8JsonWriter writer, CollectionInfo info)
    {
        writer.WriteStartObject();
        writer.WriteString("name", info.Name);
        if (info.Chunks is { } chunks)
        {
            writer.WriteNumber("chunks", chunks);
        }
        else
        {
            writer.WriteNull("chunks");
        }

        if (info.Manifest is { } m)
        {
            writer.WriteNumber("dimensions", m.Dimensions);
            writer.WriteString("model", m.Model);
            writer.WriteString("modelId", m.ModelId);
            writer.WriteString("chunker", m.Chunker);
            if (m.MaxTokens is { } max)
            {
                writer.WriteNumber("maxTokens", max);
            }

            if (m.Overlap is { } overlap)
            {
                writer.WriteNumber("overlap", overlap);
            }

            writer.WriteString("createdAt", m.CreatedAt);
            writer.WriteString("updatedAt", m.UpdatedAt);
        }
        else
        {
            writer.WriteNull("dimensions");
            writer.WriteNull("model");
        }

        writer.WriteNumber("bytes", info.Bytes);
        writer.WriteEndObject();
    }

    private static void WriteJson(Action<Utf8JsonWriter> body)
    {
        using Stream stdout = Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        Console.WriteLine();
    }

    private static string FormatBytes(long bytes) => bytes < 1024 * 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):F1} MiB");

    private sealed record CollectionInfo(string Name, long? Chunks, CollectionManifest? Manifest, long Bytes);
}
