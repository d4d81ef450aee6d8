using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace LlamaDb.Connectors.Hnsw.Storage;

/// <summary>
/// An append-only log of opaque payloads (<c>wal.log</c>): an append returns only once its entry is on disk, so every
/// acknowledged write survives a crash. Entries get LSNs 1, 2, 3, ... that keep increasing across
/// <see cref="TruncateThrough"/> and reopening. See <see cref="WalFormat"/> for the file layout.
/// </summary>
/// <remarks>
/// Thread-safe: appends from many threads are serialized by an internal lock; in <see cref="WalDurability.GroupCommit"/>
/// mode the flush to disk happens outside that lock and one flush covers every entry written before it started.
/// The log does not stop a second process from opening the same file; hold a <see cref="CollectionDirectoryLock"/>.
/// </remarks>
internal sealed partial class WriteAheadLog : IAsyncDisposable, IDisposable
{
    private const int ReadBufferSize = 64 * 1024;

    private readonly string _path;
    private readonly WalDurability _durability;
    private readonly ILogger _logger;

    // Guards the fields below. Lock order: _flushGate before _lock, never the other way round.
    private readonly Lock _lock = new();

    // Held by whoever flushes in group-commit mode, and by TruncateThrough and Dispose so the handle is not
    // swapped or closed under a flush. Never disposed: late waiters may still touch it, and without
    // AvailableWaitHandle a SemaphoreSlim holds nothing that needs disposing.
    private readonly SemaphoreSlim _flushGate = new(1, 1);

    private SafeFileHandle _handle;
    private long _writeOffset;
    private long _baseLsn;
    private long _lastLsn;
    private long _durableLsn;
    private long _flushCount;
    private readonly int _version;
    private Exception? _failure;
    private bool _disposed;

    private WriteAheadLog(string path, WalDurability durability, ILogger logger, SafeFileHandle handle, WalRecovery recovery, long writeOffset)
    {
        _path = path;
        _durability = durability;
        _logger = logger;
        _handle = handle;
        _writeOffset = writeOffset;
        _baseLsn = recovery.BaseLsn;
        _lastLsn = recovery.LastLsn;
        _durableLsn = recovery.LastLsn;
        _version = recovery.FormatVersion;
        Recovery = recovery;
    }

    /// <summary>Gets the full path of the log file.</summary>
    public string FilePath => _path;

    /// <summary>Gets when an append counts as done.</summary>
    public WalDurability Durability => _durability;

    /// <summary>Gets what <see cref="Open"/> found: the entries, and the torn tail it cut off, if any.</summary>
    public WalRecovery Recovery { get; }

    /// <summary>
    /// Gets the LSN of the last entry written (0 for a new, empty log). An entry is durable once the append that
    /// returned its LSN has returned.
    /// </summary>
    public long LastLsn
    {
        get
        {
            lock (_lock)
            {
                return _lastLsn;
            }
        }
    }

    /// <summary>Gets the LSN the log file starts after: entries up to it were removed by <see cref="TruncateThrough"/>.</summary>
    public long BaseLsn
    {
        get
        {
            lock (_lock)
            {
                return _baseLsn;
            }
        }
    }

    /// <summary>Gets how many times the log file was flushed to disk since it was opened (for tests of group commit).</summary>
    internal long FlushCount => Interlocked.Read(ref _flushCount);

    /// <summary>Gets the gate group-commit flushes take; tests hold it to line appends up behind one flush.</summary>
    internal SemaphoreSlim FlushGate => _flushGate;

    /// <summary>
    /// Opens the log at <paramref name="path"/>, creating it (and its folder) when missing. An existing log is
    /// checked entry by entry: a torn tail left by a crash is cut off with a logged warning; damage followed by
    /// valid entries throws <see cref="WalCorruptedException"/> and leaves the file untouched.
    /// </summary>
    /// <param name="path">The log file, conventionally <c>wal.log</c> in the collection folder.</param>
    /// <param name="durability">When an append counts as done.</param>
    /// <param name="logger">Receives the torn-tail warning; <see langword="null"/> for none.</param>
    /// <exception cref="WalCorruptedException">The file is not a readable log or is damaged before its tail.</exception>
    public static WriteAheadLog Open(string path, WalDurability durability, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!Enum.IsDefined(durability))
        {
            throw new ArgumentOutOfRangeException(nameof(durability), durability, "Unknown WAL durability mode.");
        }

        ILogger log = logger ?? NullLogger.Instance;
        string fullPath = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        // A temp file is only ever a log that was not yet renamed into place; the file at 'path' is complete.
        string tempPath = fullPath + DurableFile.TempSuffix;
        if (File.Exists(tempPath))
        {
            File.Delete(tempPath);
            StorageLog.StaleTempFileRemoved(log, tempPath);
        }

        bool created = false;
        if (!File.Exists(fullPath))
        {
            WriteLogFile(tempPath, baseLsn: 0, source: null, copyFrom: 0, copyLength: 0);
            DurableFile.Replace(tempPath, fullPath);
            created = true;
        }

        SafeFileHandle handle = OpenWriteHandle(fullPath);
        try
        {
            (WalRecovery recovery, long writeOffset) = Recover(fullPath, handle, created, log);
            StorageLog.Opened(log, fullPath, recovery.BaseLsn, recovery.EntryCount, recovery.LastLsn);
            return new WriteAheadLog(fullPath, durability, log, handle, recovery, writeOffset);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Flushes whatever is not yet on disk and closes the file.</summary>
    public void Dispose()
    {
        _flushGate.Wait();
        try
        {
            DisposeCore();
        }
        finally
        {
            _flushGate.Release();
        }
    }

    /// <summary>Flushes whatever is not yet on disk and closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        await _flushGate.WaitAsync().ConfigureAwait(false);
        try
        {
            DisposeCore();
        }
        finally
        {
            _flushGate.Release();
        }
    }

    private static SafeFileHandle OpenWriteHandle(string path) =>
        // FileShare.Delete lets TruncateThrough rename a new file over this one on Windows.
        File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);

    private static FileStream OpenReader(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, ReadBufferSize);

    private void DisposeCore()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            try
            {
                if (_failure is null && _durableLsn < _lastLsn)
                {
                    FlushToDisk(_handle);
                    _durableLsn = _lastLsn;
                }
            }
            finally
            {
                _handle.Dispose();
            }
        }
    }

    private void ThrowIfUnusable()
    {
        if (_failure is not null)
        {
            throw new IOException(
                $"The write-ahead log '{_path}' failed an earlier write or flush and accepts nothing more; reopen it to recover.",
                _failure);
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
    }

    private WalCorruptedException Corrupted(long offset, string problem) =>
        new($"Write-ahead log '{_path}' is corrupted at offset {offset}: {problem}.", _path, offset);
}
