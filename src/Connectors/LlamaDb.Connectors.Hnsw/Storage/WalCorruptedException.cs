namespace LlamaDb.Connectors.Hnsw.Storage;

/// <summary>
/// The exception thrown when a write-ahead log is damaged somewhere other than its tail: a bad entry is followed
/// by valid ones, or the file header is unreadable. The log is left untouched so that no acknowledged write is
/// dropped silently; restore the collection from a backup or repair the file by hand.
/// </summary>
public sealed class WalCorruptedException : IOException
{
    /// <summary>Initializes a new instance of the <see cref="WalCorruptedException"/> class.</summary>
    public WalCorruptedException()
        : this("The write-ahead log is corrupted.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="WalCorruptedException"/> class with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public WalCorruptedException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="WalCorruptedException"/> class with a message and a cause.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public WalCorruptedException(string message, Exception? innerException)
        : base(message, innerException)
    {
        FilePath = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="WalCorruptedException"/> class for a damaged file.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="filePath">The full path of the damaged log file.</param>
    /// <param name="offset">The byte offset of the damage in the file.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public WalCorruptedException(string message, string filePath, long offset, Exception? innerException = null)
        : base(message, innerException)
    {
        FilePath = filePath ?? string.Empty;
        Offset = offset;
    }

    /// <summary>Gets the full path of the damaged log file, or an empty string when it is not known.</summary>
    public string FilePath { get; }

    /// <summary>Gets the byte offset in <see cref="FilePath"/> where the damage starts, or <see langword="null"/> when it is not known.</summary>
    public long? Offset { get; }
}
