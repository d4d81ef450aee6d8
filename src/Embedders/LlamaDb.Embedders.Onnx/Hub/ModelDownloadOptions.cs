namespace LlamaDb.Embedders.Onnx.Hub;

/// <summary>
/// Options for <see cref="ModelDownloader"/>: where models come from, where they are cached and how failures are retried.
/// </summary>
public sealed class ModelDownloadOptions
{
    /// <summary>
    /// Gets or sets the hub base URL; files are fetched from <c>{BaseUrl}/{repo}/resolve/{revision}/{path}</c>.
    /// Defaults to the <c>LLAMADB_HF_BASE_URL</c> environment variable, else <c>HF_ENDPOINT</c>,
    /// else <c>https://huggingface.co</c>.
    /// </summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>
    /// Gets or sets the folder models are cached in. Defaults to the <c>LLAMADB_MODEL_CACHE</c> environment
    /// variable, else <c>~/.cache/llamadb/models</c>.
    /// </summary>
    public string? CacheDirectory { get; set; }

    /// <summary>Gets or sets the branch, tag or commit to download. Defaults to <c>main</c>.</summary>
    public string Revision { get; set; } = "main";

    /// <summary>
    /// Gets or sets the bearer token sent to the hub (needed for gated or private repositories).
    /// Defaults to the <c>HF_TOKEN</c> environment variable. The token is never logged nor put in exception messages.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>
    /// Gets or sets how many times one file is attempted when a transient failure occurs
    /// (network error, body cut short, HTTP 408, 429 or 5xx). Defaults to 3. Must be at least 1.
    /// </summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// Gets or sets the delay before the first retry; each further retry doubles it, up to one minute.
    /// Defaults to 1 second. <see cref="TimeSpan.Zero"/> retries at once.
    /// </summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets how long a single read of a response body may stall before the attempt is abandoned
    /// (and retried, resuming from what was received). Defaults to 60 seconds.
    /// <see cref="Timeout.InfiniteTimeSpan"/> disables it.
    /// </summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
