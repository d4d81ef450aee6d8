using System.CommandLine;
using LlamaDb.Cli.Store;
using LlamaDb.Embedders.Onnx.Hub;

namespace LlamaDb.Cli.Commands;

/// <summary><c>llamadb models pull|list</c>: download models from a Hugging Face-style hub and list the cache.</summary>
internal static class ModelsCommand
{
    private static readonly Option<string?> s_cacheOption = new("--cache")
    {
        Description = "Model cache folder. Defaults to LLAMADB_MODEL_CACHE, else ~/.cache/llamadb/models.",
    };

    public static Command Create()
    {
        var models = new Command("models", "Download (pull) and list models.");
        models.Subcommands.Add(CreatePull());
        models.Subcommands.Add(CreateList());
        return models;
    }

    private static Command CreatePull()
    {
        var repo = new Argument<string>("repo-id") { Description = "Repository id, e.g. sentence-transformers/all-MiniLM-L6-v2." };
        var revision = new Option<string>("--revision") { Description = "Branch, tag or commit.", DefaultValueFactory = _ => "main" };
        var baseUrl = new Option<string?>("--base-url") { Description = "Hub base URL. Defaults to LLAMADB_HF_BASE_URL, HF_ENDPOINT, else https://huggingface.co." };
        var files = new Option<string[]>("--file")
        {
            Description = "Files to fetch (path or path=sha256); repeatable. Defaults to the sentence-transformers set.",
            AllowMultipleArgumentsPerToken = true,
        };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress output." };
        var kind = new Option<string>("--kind") { Description = "The default file set: embedder (sentence-transformers) or cross-encoder.", DefaultValueFactory = _ => "embedder" };
        kind.AcceptOnlyFromAmong("embedder", "cross-encoder");
        var sha256 = new Option<string[]>("--sha256")
        {
            Description = "Expected SHA-256 of a file of the default set, as path=hex (repeatable), e.g. onnx/model.onnx=6fd5...; checked after download.",
            AllowMultipleArgumentsPerToken = true,
        };
        var noHubHashes = new Option<bool>("--no-hub-hashes") { Description = "Do not read expected SHA-256s from the hub's LFS metadata." };

        var command = new Command("pull", "Download a model repository's files into the cache (resumable, sha256-checked).")
        {
            repo, revision, baseUrl, s_cacheOption, files, quiet, kind, sha256, noHubHashes,
        };
        command.SetAction((parseResult, cancellationToken) => CliErrors.RunAsync(parseResult, async () =>
        {
            var options = new ModelDownloadOptions
            {
                Revision = parseResult.GetValue(revision) ?? "main",
                CacheDirectory = parseResult.GetValue(s_cacheOption),
            };
            if (parseResult.GetValue(baseUrl) is { } url)
            {
                options.BaseUrl = new Uri(url, UriKind.Absolute);
            }

            List<ModelFile>? requested = null;
            if (parseResult.GetValue(files) is { Length: > 0 } given)
            {
                requested = [];
                foreach (string spec in given)
                {
                    int eq = spec.IndexOf('=', StringComparison.Ordinal);
                    requested.Add(eq < 0 ? new ModelFile(spec) : new ModelFile(spec[..eq], spec[(eq + 1)..]));
                }
            }

            bool silent = parseResult.GetValue(quiet);
            string repoId = parseResult.GetValue(repo)!; // required argument
            IReadOnlyList<ModelFile> list = requested ?? ModelLocator.FilesFor(parseResult.GetValue(kind) == "cross-encoder" ? ModelKind.CrossEncoder : ModelKind.Embedder);
            list = PinHashes(list, parseResult.GetValue(sha256) ?? []);
            if (!parseResult.GetValue(noHubHashes))
            {
                // Large files are Git LFS objects whose SHA-256 the hub publishes: check downloads against it.
                list = await ModelLocator.WithHubHashesAsync(list, repoId, options.Revision, options.BaseUrl, silent, cancellationToken);
            }

            var progress = new ConsoleProgress(silent);
            using var downloader = new ModelDownloader(options);
            string local = await downloader.DownloadAsync(repoId, list, progress, cancellationToken);
            progress.Finish();
            if (!silent)
            {
                PrintRecordedHashes(local);
            }

            Console.WriteLine(local);
            return 0;
        }));
        return command;
    }

    /// <summary>Sets the expected SHA-256 of files in <paramref name="files"/> from <c>path=hex</c> specs.</summary>
    private static List<ModelFile> PinHashes(IReadOnlyList<ModelFile> files, string[] specs)
    {
        var result = files.ToList();
        foreach (string spec in specs)
        {
            int eq = spec.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new CliUsageException($"--sha256 '{spec}' must be path=hex.");
            }

            string path = spec[..eq];
            int index = result.FindIndex(f => f.Path == path || f.FallbackPath == path);
            if (index < 0)
            {
                throw new CliUsageException($"--sha256 names '{path}', which is not in the file set ({string.Join(", ", result.Select(f => f.Path))}).");
            }

            result[index] = result[index] with { Sha256 = spec[(eq + 1)..] };
        }

        return result;
    }

    /// <summary>Prints the SHA-256 of each file as the downloader recorded it (its manifest in the model folder).</summary>
    private static void PrintRecordedHashes(string local)
    {
        string manifest = Path.Combine(local, ".llamadb-download.json");
        if (!File.Exists(manifest))
        {
            return;
        }

        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(manifest));
            foreach (var entry in FindEntries(doc.RootElement))
            {
                Console.Error.WriteLine($"  {entry.Sha256}  {entry.Path}");
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // The manifest is the downloader's; an unreadable one only loses this listing.
        }
    }

    private static IEnumerable<(string Path, string Sha256)> FindEntries(System.Text.Json.JsonElement element)
    {
        if (element.ValueKind == System.Text.Json.JsonValueKind.Object)
        {
            string? path = null;
            string? sha = null;
            foreach (var property in element.EnumerateObject())
            {
                if (property.Value.ValueKind == System.Text.Json.JsonValueKind.String && property.Name.Equals("path", StringComparison.OrdinalIgnoreCase))
                {
                    path = property.Value.GetString();
                }
                else if (property.Value.ValueKind == System.Text.Json.JsonValueKind.String && property.Name.Equals("sha256", StringComparison.OrdinalIgnoreCase))
                {
                    sha = property.Value.GetString();
                }
                else
                {
                    foreach (var inner in FindEntries(property.Value))
                    {
                        yield return inner;
                    }
                }
            }

            if (path is not null && sha is not null)
            {
                yield return (path, sha);
            }
        }
        else if (element.ValueKind == System.Text.Json.JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                foreach (var inner in FindEntries(item))
                {
                    yield return inner;
                }
            }
        }
    }

    private static Command CreateList()
    {
        var command = new Command("list", "List the models in the cache.") { s_cacheOption };
        command.SetAction((parseResult, _) => CliErrors.RunAsync(parseResult, () =>
        {
            using var downloader = new ModelDownloader(new ModelDownloadOptions { CacheDirectory = parseResult.GetValue(s_cacheOption) });
            string root = Path.GetDirectoryName(Path.GetDirectoryName(downloader.GetLocalPath("x/y", "main"))!)!;
            if (!Directory.Exists(root))
            {
                Console.Error.WriteLine($"No models in {root}.");
                return Task.FromResult(0);
            }

            foreach (string repoDir in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
            {
                string repoId = Path.GetFileName(repoDir).Replace("--", "/", StringComparison.Ordinal);
                foreach (string revisionDir in Directory.EnumerateDirectories(repoDir).Order(StringComparer.Ordinal))
                {
                    long bytes = Directory.EnumerateFiles(revisionDir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
                    Console.WriteLine($"{repoId}@{Path.GetFileName(revisionDir)}\t{bytes / (1024.0 * 1024.0):F1} MiB\t{revisionDir}");
                }
            }

            return Task.FromResult(0);
        }));
        return command;
    }

    /// <summary>Progress on stderr: one line per file, updated in place on a terminal.</summary>
    private sealed class ConsoleProgress(bool silent) : IProgress<ModelDownloadProgress>
    {
        private string? _lastPath;

        public void Report(ModelDownloadProgress value)
        {
            if (silent)
            {
                return;
            }

            string total = value.TotalBytes is { } t ? $"{t / (1024.0 * 1024.0):F1} MiB" : "?";
            string line = $"[{value.FileIndex + 1}/{value.FileCount}] {value.Path}: {value.BytesDownloaded / (1024.0 * 1024.0):F1} / {total}";
            if (Console.IsErrorRedirected)
            {
                if (value.Path != _lastPath)
                {
                    Console.Error.WriteLine(line);
                }
            }
            else
            {
                Console.Error.Write($"\r{line}".PadRight(80));
            }

            _lastPath = value.Path;
        }

        public void Finish()
        {
            if (!silent && !Console.IsErrorRedirected && _lastPath is not null)
            {
                Console.Error.WriteLine();
            }
        }
    }
}
