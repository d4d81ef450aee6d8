using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LlamaDb.Cli.Commands;
using LlamaDb.Embedders.Onnx.Hub;

namespace LlamaDb.Cli.Store;

/// <summary>The kinds of model folders <c>llamadb</c> downloads: their file sets differ.</summary>
internal enum ModelKind
{
    Embedder,
    CrossEncoder,
}

/// <summary>
/// Turns a <c>--model</c> / <c>--rerank</c> value into a model folder: an existing folder is used as it is; a hub repo id
/// (<c>owner/name</c> or <c>owner/name@revision</c>) is taken from the model cache, or downloaded into it.
/// </summary>
internal static partial class ModelLocator
{
    /// <summary>The cross-encoder file set (no sentence-transformers pooling files).</summary>
    public static readonly IReadOnlyList<ModelFile> CrossEncoderFiles =
    [
        new("onnx/model.onnx") { FallbackPath = "model.onnx" },
        new("tokenizer.json"),
        new("tokenizer_config.json"),
        new("config.json"),
        new("vocab.txt", Optional: true),
        new("special_tokens_map.json", Optional: true),
    ];

    /// <summary>Whether <paramref name="value"/> looks like a hub repo id rather than a path.</summary>
    public static bool IsRepoId(string value) => RepoIdPattern().IsMatch(value);

    /// <summary>Resolves <paramref name="spec"/> to a model folder, downloading a repo id that is not cached yet.</summary>
    public static async Task<string> ResolveAsync(string spec, ModelKind kind, bool quiet, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        if (Directory.Exists(spec))
        {
            return Path.GetFullPath(spec);
        }

        if (!IsRepoId(spec))
        {
            throw new CliUsageException($"Model '{spec}' is not a folder, nor a hub repo id like owner/name[@revision].");
        }

        int at = spec.IndexOf('@', StringComparison.Ordinal);
        string repo = at < 0 ? spec : spec[..at];
        string revision = at < 0 ? "main" : spec[(at + 1)..];
        using var downloader = new ModelDownloader(new ModelDownloadOptions { Revision = revision });
        string local = downloader.GetLocalPath(repo);
        if (File.Exists(Path.Combine(local, "model.onnx")) || File.Exists(Path.Combine(local, "onnx", "model.onnx")))
        {
            return local;
        }

        if (!quiet)
        {
            await Console.Error.WriteLineAsync($"llamadb: downloading {repo}@{revision} into the model cache ...");
        }

        IReadOnlyList<ModelFile> files = await WithHubHashesAsync(FilesFor(kind), repo, revision, null, quiet, cancellationToken);
        return await downloader.DownloadAsync(repo, files, progress: null, cancellationToken);
    }

    public static IReadOnlyList<ModelFile> FilesFor(ModelKind kind) =>
        kind == ModelKind.CrossEncoder ? CrossEncoderFiles : ModelDownloader.SentenceTransformersFiles;

    /// <summary>
    /// Fills in the SHA-256 of files that have none from the hub's LFS metadata
    /// (<c>GET {base}/api/models/{repo}/revision/{revision}?blobs=true</c>: each LFS file's <c>lfs.sha256</c>), so large
    /// weights are checked even when no hash was pinned. A pinned hash that disagrees with the hub's is an error. When the
    /// metadata cannot be read, the files are returned unchanged (the download reports the network problem).
    /// </summary>
    public static async Task<IReadOnlyList<ModelFile>> WithHubHashesAsync(
        IReadOnlyList<ModelFile> files, string repo, string revision, Uri? baseUrl, bool quiet, CancellationToken cancellationToken)
    {
        Dictionary<string, string>? lfs = await TryGetLfsHashesAsync(repo, revision, baseUrl, cancellationToken);
        if (lfs is null)
        {
            return files;
        }

        var result = new List<ModelFile>(files.Count);
        foreach (ModelFile file in files)
        {
            string? hub = lfs.GetValueOrDefault(file.Path) ?? (file.FallbackPath is null ? null : lfs.GetValueOrDefault(file.FallbackPath));
            if (hub is null)
            {
                result.Add(file);
                continue;
            }

            if (file.Sha256 is not null && !string.Equals(file.Sha256, hub, StringComparison.OrdinalIgnoreCase))
            {
                throw new CliUsageException($"The pinned SHA-256 of '{file.Path}' ({file.Sha256}) differs from the hub's LFS record for {repo}@{revision} ({hub}).");
            }

            if (!quiet)
            {
                await Console.Error.WriteLineAsync($"llamadb: {file.Path}: expecting sha256 {hub}{(file.Sha256 is null ? " (from the hub's LFS metadata)" : " (pinned, matches the hub)")}");
            }

            result.Add(file with { Sha256 = hub });
        }

        return result;
    }

    private static async Task<Dictionary<string, string>?> TryGetLfsHashesAsync(string repo, string revision, Uri? baseUrl, CancellationToken cancellationToken)
    {
        string root = (baseUrl?.AbsoluteUri
            ?? NonEmpty(Environment.GetEnvironmentVariable("LLAMADB_HF_BASE_URL"))
            ?? NonEmpty(Environment.GetEnvironmentVariable("HF_ENDPOINT"))
            ?? "https://huggingface.co").TrimEnd('/');
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        if (NonEmpty(Environment.GetEnvironmentVariable("HF_TOKEN")) is { } token)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        try
        {
            using JsonDocument doc = await http.GetFromJsonAsync<JsonDocument>(
                $"{root}/api/models/{repo}/revision/{Uri.EscapeDataString(revision)}?blobs=true", cancellationToken)
                ?? throw new JsonException("empty");
            var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
            if (doc.RootElement.TryGetProperty("siblings", out JsonElement siblings) && siblings.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement sibling in siblings.EnumerateArray())
                {
                    if (sibling.TryGetProperty("rfilename", out JsonElement name) && name.ValueKind == JsonValueKind.String
                        && sibling.TryGetProperty("lfs", out JsonElement lfs) && lfs.ValueKind == JsonValueKind.Object
                        && lfs.TryGetProperty("sha256", out JsonElement sha) && sha.ValueKind == JsonValueKind.String)
                    {
                        hashes[name.GetString()!] = sha.GetString()!; // both checked to be strings
                    }
                }
            }

            return hashes;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException or NotSupportedException)
        {
            return null;
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*(@[A-Za-z0-9._/-]+)?$")]
    private static partial Regex RepoIdPattern();
}
