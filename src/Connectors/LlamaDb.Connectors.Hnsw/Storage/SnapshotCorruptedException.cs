namespace LlamaDb.Connectors.Hnsw.Storage;

/// <summary>
/// The exception thrown when a snapshot file (<c>vectors.bin</c>, <c>graph.bin</c>, ...) fails validation: wrong
/// magic, kind or format version, a truncated or over-long file, or a checksum mismatch. Nothing from the file is
/// used once this is thrown.
/// </summary>
public sealed class SnapshotCorruptedException : IOException
{
    /// <summary>Initializes a new instance of the <see cref="SnapshotCorruptedException"/> class.</summary>
    public SnapshotCorruptedException()
        : this("The snapshot file is corrupted.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SnapshotCorruptedException"/> class with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public SnapshotCorruptedException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SnapshotCorruptedException"/> class with a message and a cause.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public SnapshotCorruptedException(string message, Exception? innerException)
        : this(message, filePath: string.Empty, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SnapshotCorruptedException"/> class for a damaged file.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="filePath">The full path of the damaged snapshot file.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public SnapshotCorruptedException(string message, string filePath, Exception? innerException = null)
        : base(message, innerException)
    {
        FilePath = filePath ?? string.Empty;
    }

    /// <summary>Gets the full path of the damaged snapshot file, or an empty string when it is not known.</summary>
    public string FilePath { get; }
}
