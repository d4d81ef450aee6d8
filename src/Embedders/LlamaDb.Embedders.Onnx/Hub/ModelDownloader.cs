using System.Net;

namespace LlamaDb.Embedders.Onnx.Hub;

/// <summary>
/// Downloads model files from a Hugging Face-style hub (<c>{baseUrl}/{repo}/resolve/{revision}/{path}</c>) into a local
/// cache, resuming interrupted transfers, retrying transient failures and verifying SHA-256 digests.
/// </summary>
/// <remarks>
/// Files land at <c>{cache}/{owner}--{name}/{revision}/{path}</c>, keeping the repository's sub-folders, and the
/// size and SHA-256 of every downloaded file are recorded in <c>.llamadb-download.json</c> in that folder.
/// </remarks>
public sealed partial class ModelDownloader : IDisposable
{
    internal const string ManifestFileName = ".llamadb-download.json";
    internal const string PartialSuffix = ".partial";
    internal static readonly Uri DefaultBaseUrl = new("https://huggingface.co/");

    private const int BufferSize = 81920;
    private const long ProgressStep = 256 * 1024;
    private static readonly TimeSpan s_maxRetryDelay = TimeSpan.FromMinutes(1);
    private static readonly System.Buffers.SearchValues<char> s_hexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    private static readonly ModelFile[] s_sentenceTransformersFiles =
    [
        new("onnx/model.onnx") { FallbackPath = "model.onnx" },
        new("tokenizer.json"),
        new("tokenizer_config.json"),
        new("config.json"),
        // Many ONNX exports (Xenova/*, optimum) have no sentence-transformers files or no vocab.txt; the loader
        // falls back to tokenizer.json and to mean pooling without them.
        new("vocab.txt", Optional: true),
        new("special_tokens_map.json", Optional: true),
        new("sentence_bert_config.json", Optional: true),
        new("modules.json", Optional: true),
        new("1_Pooling/config.json", Optional: true),
    ];

    private readonly HttpClient _httpClient;
    private readonly bool _ownsHttpClient;
    private readonly string _baseUrl;
    private readonly string _cacheDirectory;
    private readonly string _revision;
    private readonly string? _token;
    private readonly int _maxAttempts;
    private readonly TimeSpan _retryDelay;
    private readonly TimeSpan _readTimeout;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="ModelDownloader"/> class.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="httpClient">
    /// The client to send requests with, or <see langword="null"/> to create one. A supplied client is not disposed.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">An option, or an environment variable it defaults to, is malformed.</exception>
    public ModelDownloader(ModelDownloadOptions? options = null, HttpClient? httpClient = null)
        : this(options, httpClient, Environment.GetEnvironmentVariable)
    {
    }

    internal ModelDownloader(ModelDownloadOptions? options, HttpClient? httpClient, Func<string, string?> getEnvironmentVariable)
    {
        options ??= new ModelDownloadOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAttempts, 1, "options.MaxAttempts");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RetryDelay, TimeSpan.Zero, "options.RetryDelay");
        if (options.ReadTimeout != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ReadTimeout, TimeSpan.Zero, "options.ReadTimeout");
        }

        HubPaths.ValidateRevision(options.Revision, "options.Revision");

        _baseUrl = ResolveBaseUrl(options.BaseUrl, getEnvironmentVariable).AbsoluteUri.TrimEnd('/');
        _cacheDirectory = Path.GetFullPath(ResolveCacheDirectory(options.CacheDirectory, getEnvironmentVariable));
        _token = NullIfBlank(options.Token) ?? NullIfBlank(getEnvironmentVariable("HF_TOKEN"));
        _revision = options.Revision;
        _maxAttempts = options.MaxAttempts;
        _retryDelay = options.RetryDelay;
        _readTimeout = options.ReadTimeout;

        if (httpClient is null)
        {
            _httpClient = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None });
            _ownsHttpClient = true;
        }
        else
        {
            _httpClient = httpClient;
        }
    }

    /// <summary>
    /// Gets the default files of a sentence-transformers embedding model: <c>onnx/model.onnx</c> (falling back to
    /// <c>model.onnx</c> at the root when the repository has no <c>onnx/</c> folder), <c>tokenizer.json</c>,
    /// <c>vocab.txt</c>, <c>tokenizer_config.json</c>, <c>special_tokens_map.json</c>, <c>config.json</c>,
    /// <c>sentence_bert_config.json</c>, <c>modules.json</c> and, if present, <c>1_Pooling/config.json</c>.
    /// </summary>
    public static IReadOnlyList<ModelFile> SentenceTransformersFiles { get; } = Array.AsReadOnly(s_sentenceTransformersFiles);

    /// <summary>Gets the resolved hub base URL, without a trailing slash.</summary>
    internal string BaseUrl => _baseUrl;

    /// <summary>Gets the resolved cache folder.</summary>
    internal string CacheDirectory => _cacheDirectory;

    /// <summary>Gets whether a bearer token will be sent.</summary>
    internal bool HasToken => _token is not null;

    /// <summary>Gets or sets how retries wait; tests replace it to record the delays without sleeping.</summary>
    internal Func<TimeSpan, CancellationToken, Task> DelayAsync { get; set; } = Task.Delay;

    /// <summary>Returns the local folder a repository revision is (or would be) downloaded to.</summary>
    /// <param name="repoId">The repository, as <c>owner/name</c>.</param>
    /// <param name="revision">The revision, or <see langword="null"/> for <see cref="ModelDownloadOptions.Revision"/>.</param>
    /// <returns><c>{cache}/{owner}--{name}/{revision}</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="repoId"/> or <paramref name="revision"/> is malformed.</exception>
    public string GetLocalPath(string repoId, string? revision = null)
    {
        var (owner, name) = HubPaths.ParseRepoId(repoId, nameof(repoId));
        revision ??= _revision;
        HubPaths.ValidateRevision(revision, nameof(revision));
        return HubPaths.Combine(_cacheDirectory, $"{owner}--{name}/{revision}");
    }

    /// <summary>
    /// Downloads <paramref name="files"/> of <paramref name="repoId"/> into <see cref="GetLocalPath"/>, skipping files
    /// already present (and matching their SHA-256 when one is given).
    /// </summary>
    /// <param name="repoId">The repository, as <c>owner/name</c>.</param>
    /// <param name="files">The files to fetch, or <see langword="null"/> for <see cref="SentenceTransformersFiles"/>.</param>
    /// <param name="progress">Receives progress reports, called on the downloading thread; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to cancel the download; partial files are kept for resuming.</param>
    /// <returns>The local model folder, laid out like the repository.</returns>
    /// <exception cref="ArgumentException"><paramref name="repoId"/> or a file path or digest is malformed.</exception>
    /// <exception cref="ModelDownloadException">A required file is missing, access was denied, retries ran out or a digest did not match.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<string> DownloadAsync(
        string repoId,
        IEnumerable<ModelFile>? files = null,
        IProgress<ModelDownloadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var localPath = GetLocalPath(repoId);
        var list = ValidateFiles(files ?? s_sentenceTransformersFiles);

        Directory.CreateDirectory(localPath);
        var manifest = await DownloadManifest.LoadAsync(localPath, repoId, cancellationToken).ConfigureAwait(false);
        var job = new DownloadJob(repoId, localPath, manifest, progress, list.Count);

        for (var i = 0; i < list.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await DownloadEntryAsync(job, list[i], i, cancellationToken).ConfigureAwait(false);
        }

        return localPath;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_ownsHttpClient)
        {
            _httpClient.Dispose();
        }
    }

    private static List<ModelFile> ValidateFiles(IEnumerable<ModelFile> files)
    {
        var list = new List<ModelFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (file is null)
            {
                throw new ArgumentException($"files[{list.Count}] is null.", nameof(files));
            }

            HubPaths.ValidateFilePath(file.Path, nameof(files));
            if (file.FallbackPath is not null)
            {
                HubPaths.ValidateFilePath(file.FallbackPath, nameof(files));
            }

            if (file.Sha256 is not null && (file.Sha256.Length != 64 || file.Sha256.AsSpan().IndexOfAnyExcept(s_hexDigits) >= 0))
            {
                throw new ArgumentException($"The SHA-256 of '{file.Path}' must be 64 hexadecimal digits, not '{file.Sha256}'.", nameof(files));
            }

            if (!seen.Add(file.Path) || (file.FallbackPath is not null && !seen.Add(file.FallbackPath)))
            {
                throw new ArgumentException($"File '{file.Path}' is listed more than once.", nameof(files));
            }

            list.Add(file);
        }

        return list;
    }

    private static Uri ResolveBaseUrl(Uri? configured, Func<string, string?> getEnvironmentVariable)
    {
        if (configured is not null)
        {
            return CheckBaseUrl(configured, "options.BaseUrl");
        }

        foreach (var name in (ReadOnlySpan<string>)["LLAMADB_HF_BASE_URL", "HF_ENDPOINT"])
        {
            var value = NullIfBlank(getEnvironmentVariable(name));
            if (value is not null)
            {
                if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
                {
                    throw new ArgumentException($"Environment variable {name} ('{value}') is not an absolute URL.", "options.BaseUrl");
                }

                return CheckBaseUrl(uri, name);
            }
        }

        return DefaultBaseUrl;
    }

    private static Uri CheckBaseUrl(Uri uri, string source)
    {
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || !string.IsNullOrEmpty(uri.Query))
        {
            throw new ArgumentException($"The hub base URL from {source} must be an absolute http or https URL without a query.", "options.BaseUrl");
        }

        return uri;
    }

    private static string ResolveCacheDirectory(string? configured, Func<string, string?> getEnvironmentVariable) =>
        NullIfBlank(configured)
        ?? NullIfBlank(getEnvironmentVariable("LLAMADB_MODEL_CACHE"))
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "llamadb", "models");

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>State shared by the files of one <see cref="DownloadAsync"/> call.</summary>
    private sealed record DownloadJob(
        string RepoId,
        string LocalPath,
        DownloadManifest Manifest,
        IProgress<ModelDownloadProgress>? Progress,
        int FileCount);
}
