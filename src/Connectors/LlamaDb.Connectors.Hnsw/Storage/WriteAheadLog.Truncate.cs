using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace LlamaDb.Connectors.Hnsw.Storage;

internal sealed partial class WriteAheadLog
{
    private const int CopyBufferSize = 1024 * 1024;

    /// <summary>
    /// Drops the entries up to and including <paramref name="lsn"/> once a checkpoint has made them durable
    /// elsewhere. A new file whose base LSN is <paramref name="lsn"/>, holding the later entries, is written under a
    /// temp name, flushed and renamed over the log; a crash at any step leaves either the old or the new log, both
    /// complete. LSNs continue from <see cref="LastLsn"/>. Does nothing when <paramref name="lsn"/> is at or below
    /// <see cref="BaseLsn"/>.
    /// </summary>
    /// <param name="lsn">The last LSN the checkpoint covers; at most <see cref="LastLsn"/>.</param>
    public void TruncateThrough(long lsn)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lsn);
        _flushGate.Wait();
        try
        {
            lock (_lock)
            {
                ThrowIfUnusable();
                if (lsn > _lastLsn)
                {
                    throw new ArgumentOutOfRangeException(
                        nameof(lsn), lsn, $"The write-ahead log '{_path}' has entries only up to LSN {_lastLsn}.");
                }

                if (lsn <= _baseLsn)
                {
                    return;
                }

                TruncateThroughLocked(lsn);
            }
        }
        finally
        {
            _flushGate.Release();
        }
    }

    private void TruncateThroughLocked(long lsn)
    {
        // Entries after lsn are copied into the new file; make sure what is copied is what was acknowledged.
        FlushLocked();
        _durableLsn = _lastLsn;

        long keepFrom = lsn == _lastLsn ? _writeOffset : FindEntryOffset(lsn + 1);
        long keptBytes = _writeOffset - keepFrom;
        string tempPath = _path + DurableFile.TempSuffix;
        try
        {
            WriteLogFile(tempPath, lsn, _handle, keepFrom, keptBytes, _version);
        }
        catch
        {
            // The old log was not touched and stays usable.
            DurableFile.TryDelete(tempPath);
            throw;
        }

        SafeFileHandle newHandle;
        try
        {
            DurableFile.Replace(tempPath, _path);
            newHandle = OpenWriteHandle(_path);
        }
        catch (Exception ex)
        {
            // Which file is in place is unknown now; both are complete logs, and reopening recovers either.
            _failure = ex;
            throw;
        }

        _handle.Dispose();
        _handle = newHandle;
        _baseLsn = lsn;
        _writeOffset = WalFormat.HeaderSize + keptBytes;
        StorageLog.TruncatedThrough(_logger, _path, lsn, keptBytes);
    }

    // The offset of entry 'target' (base < target <= last), found by hopping over entry frames.
    private long FindEntryOffset(long target)
    {
        Span<byte> frame = stackalloc byte[WalFormat.FrameHeaderSize];
        long offset = WalFormat.HeaderSize;
        for (long lsn = _baseLsn + 1; ; lsn++)
        {
            if (RandomAccess.Read(_handle, frame, offset) != frame.Length || BinaryPrimitives.ReadInt64LittleEndian(frame[8..]) != lsn)
            {
                throw Corrupted(offset, $"entry {lsn} could not be found while truncating the log (the file changed after it was opened)");
            }

            if (lsn == target)
            {
                return offset;
            }

            offset += WalFormat.FrameHeaderSize + WalFormat.PayloadLength(frame, _version);
        }
    }

    // Writes a complete log file (header + copyLength bytes of entries from source) and flushes it to disk.
    // The copied entries keep their format, so the new file keeps the old file's version.
    private static void WriteLogFile(string path, long baseLsn, SafeFileHandle? source, long copyFrom, long copyLength, int version = WalFormat.Version)
    {
        using SafeFileHandle target = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        Span<byte> header = stackalloc byte[WalFormat.HeaderSize];
        WalFormat.WriteHeader(header, baseLsn, version);
        RandomAccess.Write(target, header, 0);
        if (source is not null && copyLength > 0)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
            try
            {
                for (long copied = 0; copied < copyLength;)
                {
                    int chunk = (int)Math.Min(buffer.Length, copyLength - copied);
                    int read = RandomAccess.Read(source, buffer.AsSpan(0, chunk), copyFrom + copied);
                    if (read <= 0)
                    {
                        throw new EndOfStreamException($"The log ended {copyLength - copied} bytes early while copying it to '{path}'.");
                    }

                    RandomAccess.Write(target, buffer.AsSpan(0, read), WalFormat.HeaderSize + copied);
                    copied += read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        RandomAccess.FlushToDisk(target);
    }
}
