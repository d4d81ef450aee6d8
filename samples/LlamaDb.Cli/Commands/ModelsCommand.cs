using System.CommandLine;
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

        var command = new Command("pull", "Download a model repository's files into the cache (resumable, sha256-checked).")
        {
            repo, revision, baseUrl, s_cacheOption, files, quiet,
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
            var progress = new ConsoleProgress(silent);
            using var downloader = new ModelDownloader(options);
            string local = await downloader.DownloadAsync(parseResult.GetValue(repo)!, requested, progress, cancellationToken);
            progress.Finish();
            Console.WriteLine(local);
            return 0;
        }));
        return command;
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
