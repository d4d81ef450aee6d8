using LlamaDb.Connectors.Hnsw.Storage;

namespace LlamaDb.Connectors.Hnsw.Tests.Storage;

public sealed class CollectionDirectoryLockTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Acquire_FolderAlreadyLockedInThisProcess_ThrowsNamingTheFolderUntilReleased()
    {
        string folder = _directory.File("collection");
        using (CollectionDirectoryLock held = CollectionDirectoryLock.Acquire(folder))
        {
            Assert.Equal(Path.GetFullPath(folder), held.DirectoryPath);
            Assert.True(File.Exists(Path.Combine(folder, CollectionDirectoryLock.FileName)));
            IOException error = Assert.Throws<IOException>(() => CollectionDirectoryLock.Acquire(folder));
            Assert.Contains(Path.GetFullPath(folder), error.Message, StringComparison.Ordinal);
        }

        using CollectionDirectoryLock again = CollectionDirectoryLock.Acquire(folder);
    }

    [Fact]
    public void Acquire_FolderLockedByAnotherProcess_ThrowsUntilThatProcessExits()
    {
        string folder = _directory.File("collection");
        using (System.Diagnostics.Process host = CrashHostProcess.Start("lock", folder))
        {
            Assert.Equal("LOCKED", host.StandardOutput.ReadLine());
            IOException error = Assert.Throws<IOException>(() => CollectionDirectoryLock.Acquire(folder));
            Assert.Contains(Path.GetFullPath(folder), error.Message, StringComparison.Ordinal);
            host.StandardInput.Close(); // the host releases the lock and exits when its input ends
            host.WaitForExit();
            Assert.Equal(0, host.ExitCode);
        }

        using CollectionDirectoryLock mine = CollectionDirectoryLock.Acquire(folder);
    }
}
