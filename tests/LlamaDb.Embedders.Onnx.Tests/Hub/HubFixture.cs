using System.Security.Cryptography;
using LlamaDb.Embedders.Onnx.Hub;

namespace LlamaDb.Embedders.Onnx.Tests.Hub;

/// <summary>A test hub serving the shared tiny model, a temporary cache folder, and downloaders wired to both.</summary>
internal sealed class HubFixture : IAsyncDisposable
{
    public const string Repo = "llamadb/synthetic-embedder-tiny";

    private readonly List<ModelDownloader> _downloaders = [];

    public HubFixture()
    {
        Server = new HubTestServer(SourceDirectory);
        CacheDirectory = Path.Combine(Path.GetTempPath(), "llamadb-hub-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(CacheDirectory);
    }

    public static string SourceDirectory { get; } = TestPaths.Models("synthetic-embedder-tiny");

    public HubTestServer Server { get; }

    public string CacheDirectory { get; }

    /// <summary>Gets the retry delays the downloaders asked for (recorded, never slept).</summary>
    public List<TimeSpan> Delays { get; } = [];

    public string LocalPath => Path.Combine(CacheDirectory, "llamadb--synthetic-embedder-tiny", "main");

    public ModelDownloader CreateDownloader(Action<ModelDownloadOptions>? configure = null)
    {
        var options = new ModelDownloadOptions { BaseUrl = Server.BaseUrl, CacheDirectory = CacheDirectory };
        configure?.Invoke(options);

        // No environment: a developer's HF_TOKEN or HF_ENDPOINT must not leak into the tests.
        var downloader = new ModelDownloader(options, httpClient: null, getEnvironmentVariable: _ => null)
        {
            DelayAsync = (delay, _) =>
            {
                lock (Delays)
                {
                    Delays.Add(delay);
                }

                return Task.CompletedTask;
            },
        };
        _downloaders.Add(downloader);
        return downloader;
    }

    public static string SourceFile(string path) => Path.Combine(SourceDirectory, path);

    public static string Sha256Of(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var downloader in _downloaders)
        {
            downloader.Dispose();
        }

        await Server.DisposeAsync();
        if (Directory.Exists(CacheDirectory))
        {
            Directory.Delete(CacheDirectory, recursive: true);
        }
    }
}

/// <summary>An <see cref="IProgress{T}"/> that runs its callback synchronously (unlike <see cref="Progress{T}"/>).</summary>
internal sealed class SyncProgress<T>(Action<T> onReport) : IProgress<T>
{
    public void Report(T value) => onReport(value);
}
