using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlamaDb.Embedders.Onnx.Hub;

/// <summary>
/// The record of downloaded files kept in <c>{model}/.llamadb-download.json</c>: path, size, SHA-256, revision and
/// time of each, so later runs (and users) can verify the cache.
/// </summary>
internal sealed class DownloadManifest
{
    /// <summary>The current format version.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Gets or sets the format version of the file.</summary>
    public int FormatVersion { get; set; } = CurrentFormatVersion;

    /// <summary>Gets or sets the repository the files came from.</summary>
    public string RepoId { get; set; } = string.Empty;

    /// <summary>Gets the downloaded files, in the order they were first recorded.</summary>
    public List<DownloadManifestEntry> Files { get; init; } = [];

    /// <summary>Returns the entry for <paramref name="path"/>, if recorded.</summary>
    public DownloadManifestEntry? Find(string path)
    {
        foreach (var entry in Files)
        {
            if (string.Equals(entry.Path, path, StringComparison.Ordinal))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>Adds or replaces the entry for <paramref name="entry"/>'s path.</summary>
    public void Record(DownloadManifestEntry entry)
    {
        var index = Files.FindIndex(e => string.Equals(e.Path, entry.Path, StringComparison.Ordinal));
        if (index >= 0)
        {
            Files[index] = entry;
        }
        else
        {
            Files.Add(entry);
        }
    }

    /// <summary>
    /// Reads the manifest in <paramref name="directory"/>; a missing, unreadable or foreign-version file yields an
    /// empty manifest, since it only caches facts that the next download re-establishes.
    /// </summary>
    public static async Task<DownloadManifest> LoadAsync(string directory, string repoId, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, ModelDownloader.ManifestFileName);
        if (File.Exists(path))
        {
            try
            {
                var stream = File.OpenRead(path);
                await using (stream.ConfigureAwait(false))
                {
                    var manifest = await JsonSerializer.DeserializeAsync(stream, DownloadManifestJsonContext.Default.DownloadManifest, cancellationToken)
                        .ConfigureAwait(false);
                    if (manifest is { FormatVersion: CurrentFormatVersion })
                    {
                        manifest.RepoId = repoId;
                        return manifest;
                    }
                }
            }
            catch (JsonException)
            {
                // Corrupt manifest: rebuilt below from this run's downloads.
            }
        }

        return new DownloadManifest { RepoId = repoId };
    }

    /// <summary>Writes the manifest to a temporary file, flushes it and renames it over the previous one.</summary>
    public async Task SaveAsync(string directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, ModelDownloader.ManifestFileName);
        var temp = path + ".tmp";
        var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(stream, this, DownloadManifestJsonContext.Default.DownloadManifest, cancellationToken)
                .ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>One downloaded file in <see cref="DownloadManifest"/>.</summary>
/// <param name="Path">The repository path of the file (also its path under the model folder).</param>
/// <param name="Size">The file size in bytes.</param>
/// <param name="Sha256">The lower-case hexadecimal SHA-256 of the file.</param>
/// <param name="Revision">The revision it was downloaded from.</param>
/// <param name="DownloadedAt">When the download finished.</param>
internal sealed record DownloadManifestEntry(string Path, long Size, string Sha256, string Revision, DateTimeOffset DownloadedAt);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(DownloadManifest))]
internal sealed partial class DownloadManifestJsonContext : JsonSerializerContext;
