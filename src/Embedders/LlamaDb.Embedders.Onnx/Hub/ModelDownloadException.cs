namespace LlamaDb.Embedders.Onnx.Hub;

/// <summary>The exception thrown when a model file cannot be downloaded or fails verification.</summary>
public sealed class ModelDownloadException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ModelDownloadException"/> class.</summary>
    public ModelDownloadException()
        : this("The model download failed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelDownloadException"/> class with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public ModelDownloadException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelDownloadException"/> class with a message and a cause.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public ModelDownloadException(string message, Exception? innerException)
        : this(message, repoId: string.Empty, filePath: null, statusCode: null, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelDownloadException"/> class.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="repoId">The repository being downloaded.</param>
    /// <param name="filePath">The repository path of the file that failed, if one.</param>
    /// <param name="statusCode">The HTTP status code that caused the failure, if one.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public ModelDownloadException(string message, string repoId, string? filePath, int? statusCode, Exception? innerException = null)
        : base(message, innerException)
    {
        RepoId = repoId ?? string.Empty;
        FilePath = filePath;
        StatusCode = statusCode;
    }

    /// <summary>Gets the repository being downloaded (<c>owner/name</c>).</summary>
    public string RepoId { get; }

    /// <summary>Gets the repository path of the file that failed, or <see langword="null"/> when the failure is not about one file.</summary>
    public string? FilePath { get; }

    /// <summary>Gets the HTTP status code behind the failure, or <see langword="null"/> when there was none.</summary>
    public int? StatusCode { get; }
}
