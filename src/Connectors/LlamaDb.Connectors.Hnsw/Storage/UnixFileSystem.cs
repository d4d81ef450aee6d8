using System.Runtime.InteropServices;

namespace LlamaDb.Connectors.Hnsw.Storage;

/// <summary>
/// The libc calls needed to flush a directory: .NET refuses to open a directory as a file handle, so
/// <see cref="RandomAccess.FlushToDisk"/> cannot reach it.
/// </summary>
internal static partial class UnixFileSystem
{
    private const int ReadOnly = 0; // O_RDONLY is 0 on Linux, macOS and FreeBSD.
    private const int InvalidArgument = 22; // EINVAL on Linux, macOS and FreeBSD.

    /// <summary>Flushes a directory's entries (names created, renamed or removed in it) to disk.</summary>
    /// <exception cref="IOException">The directory cannot be opened or flushed.</exception>
    public static void FlushDirectory(string directory)
    {
        int fd = Open(directory, ReadOnly);
        if (fd < 0)
        {
            int error = Marshal.GetLastPInvokeError();
            throw new IOException($"Could not open the directory '{directory}' to flush it (errno {error}).");
        }

        try
        {
            if (FSync(fd) != 0)
            {
                int error = Marshal.GetLastPInvokeError();

                // Some file systems cannot fsync a directory and say so with EINVAL; their renames are as durable as they get.
                if (error != InvalidArgument)
                {
                    throw new IOException($"Could not flush the directory '{directory}' to disk (errno {error}).");
                }
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
