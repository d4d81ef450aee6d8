namespace LlamaDb.Connectors.Hnsw.Storage;

/// <summary>
/// Keeps a collection folder to one open store: an exclusive handle on its <c>LOCK</c> file, held until disposed.
/// On Unix this is an advisory <c>flock</c> taken by .NET for <see cref="FileShare.None"/> (it works between
/// processes and between two opens in one process; <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c> turns it off).
/// The file itself is left in place: deleting it on close would race with the next opener.
/// </summary>
internal sealed class CollectionDirectoryLock : IDisposable
{
    /// <summary>The name of the lock file inside the collection folder.</summary>
    public const string FileName = "LOCK";

    private readonly FileStream _file;

    private CollectionDirectoryLock(string directoryPath, FileStream file)
    {
        DirectoryPath = directoryPath;
        _file = file;
    }

    /// <summary>Gets the full path of the locked collection folder.</summary>
    public string DirectoryPath { get; }

    /// <summary>Creates <paramref name="directory"/> if needed and takes its lock.</summary>
    /// <exception cref="IOException">Another process, or another open store in this one, holds the lock.</exception>
    public static CollectionDirectoryLock Acquire(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string fullPath = Path.GetFullPath(directory);
        Directory.CreateDirectory(fullPath);
        string lockPath = Path.Combine(fullPath, FileName);
        try
        {
            var file = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
            return new CollectionDirectoryLock(fullPath, file);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new IOException(
                $"The collection folder '{fullPath}' is already in use: its {FileName} file is held by another process " +
                "or by another open store in this process.",
                ex);
        }
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _file.Dispose();
}
