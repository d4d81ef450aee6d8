namespace LlamaDb.Connectors.Hnsw.Storage;

/// <summary>Crash-safe file replacement: write a temp file, flush it, rename it over the target, flush the directory.</summary>
internal static class DurableFile
{
    /// <summary>The suffix of the temp file a durable write goes to before it is renamed into place.</summary>
    public const string TempSuffix = ".tmp";

    /// <summary>
    /// Renames the flushed file <paramref name="tempPath"/> over <paramref name="path"/> (atomically) and flushes
    /// the directory so the new name survives a power loss.
    /// </summary>
    public static void Replace(string tempPath, string path)
    {
        File.Move(tempPath, path, overwrite: true);
        FlushDirectory(Path.GetDirectoryName(path));
    }

    /// <summary>
    /// Flushes a directory's entries to disk on Linux, macOS and FreeBSD. Windows has no directory flush; NTFS
    /// journals the rename itself, so nothing is done there.
    /// </summary>
    public static void FlushDirectory(string? directory)
    {
        if (string.IsNullOrEmpty(directory))
        {
            return;
        }

        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            UnixFileSystem.FlushDirectory(directory);
        }
    }

    /// <summary>Deletes <paramref name="path"/> if it exists, ignoring failures (used on error paths only).</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
