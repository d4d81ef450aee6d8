using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace LlamaDb.Connectors.Hnsw.Storage;

internal sealed partial class WriteAheadLog
{
    private const int StackallocThreshold = 1024;

    /// <summary>
    /// Appends one entry and returns its LSN once the entry is on disk (flushed with
    /// <see cref="RandomAccess.FlushToDisk"/>, i.e. <c>fsync</c>).
    /// </summary>
    /// <param name="payload">The bytes to log, at most <see cref="WalFormat.MaxPayloadLength"/>.</param>
    /// <exception cref="IOException">The write or flush failed; the log then refuses further appends until reopened.</exception>
    public long Append(ReadOnlySpan<byte> payload)
    {
        ValidatePayload(payload.Length);
        if (_durability == WalDurability.GroupCommit)
        {
            long lsn = Write(payload);
            _flushGate.Wait();
            try
            {
                MakeDurable(lsn);
            }
            finally
            {
                _flushGate.Release();
            }

            return lsn;
        }

        lock (_lock)
        {
            ThrowIfUnusable();
            long lsn = WriteLocked(payload);
            FlushLocked();
            _durableLsn = lsn;
            return lsn;
        }
    }

    /// <summary>
    /// Appends one entry and completes with its LSN once the entry is on disk. In
    /// <see cref="WalDurability.GroupCommit"/> mode concurrent appends share one flush; in
    /// <see cref="WalDurability.FlushEveryWrite"/> mode this is <see cref="Append"/> and completes synchronously.
    /// </summary>
    /// <param name="payload">The bytes to log, at most <see cref="WalFormat.MaxPayloadLength"/>.</param>
    /// <param name="cancellationToken">
    /// Checked before the entry is written. Once written the entry will be replayed, so the call then waits for the
    /// flush regardless: cancelling it could leave a caller not knowing about an entry that is in the log.
    /// </param>
    public async ValueTask<long> AppendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        ValidatePayload(payload.Length);
        cancellationToken.ThrowIfCancellationRequested();
        if (_durability == WalDurability.FlushEveryWrite)
        {
            return Append(payload.Span);
        }

        long lsn = Write(payload.Span);
        await _flushGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            MakeDurable(lsn);
        }
        finally
        {
            _flushGate.Release();
        }

        return lsn;
    }

    private static void ValidatePayload(int length)
    {
        if (length > WalFormat.MaxPayloadLength)
        {
            throw new ArgumentOutOfRangeException(
                "payload", length, $"A write-ahead log entry holds at most {WalFormat.MaxPayloadLength} bytes.");
        }
    }

    /// <summary>
    /// Writes one entry without waiting for it to reach the disk and returns its LSN; <see cref="MakeDurableAsync"/>
    /// then waits for a flush covering it (shared with every other writer waiting at the same time). The entry is in
    /// the log from now on and will be replayed if the file survives; it is acknowledged only once that flush is done.
    /// </summary>
    /// <param name="payload">The bytes to log, at most <see cref="WalFormat.MaxPayloadLength"/>.</param>
    public long WriteUnflushed(ReadOnlySpan<byte> payload)
    {
        ValidatePayload(payload.Length);
        return Write(payload);
    }

    /// <summary>Completes once every entry up to <paramref name="lsn"/> is on disk (one flush covers all writers waiting).</summary>
    /// <param name="lsn">An LSN returned by <see cref="WriteUnflushed"/>.</param>
    /// <exception cref="IOException">The flush failed; the log then refuses further appends until reopened.</exception>
    public async ValueTask MakeDurableAsync(long lsn)
    {
        await _flushGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            MakeDurable(lsn);
        }
        finally
        {
            _flushGate.Release();
        }
    }

    private long Write(ReadOnlySpan<byte> payload)
    {
        lock (_lock)
        {
            ThrowIfUnusable();
            return WriteLocked(payload);
        }
    }

    private long WriteLocked(ReadOnlySpan<byte> payload)
    {
        long lsn = _lastLsn + 1;
        int frameLength = WalFormat.FrameHeaderSize + payload.Length;
        byte[]? rented = null;
        Span<byte> frame = frameLength <= StackallocThreshold
            ? stackalloc byte[StackallocThreshold]
            : (rented = ArrayPool<byte>.Shared.Rent(frameLength));
        try
        {
            frame = frame[..frameLength];
            // Flagged when everything before this entry is on disk (always, flushing every write): recovery uses it to
            // tell a torn unflushed group from damage to flushed entries.
            WalFormat.WriteFrameHeader(frame, _version, lsn, payload, priorDurable: _durableLsn == _lastLsn);
            payload.CopyTo(frame[WalFormat.FrameHeaderSize..]);

            // One write per entry: a crash leaves at most this entry torn, at the tail.
            RandomAccess.Write(_handle, frame, _writeOffset);
        }
        catch (Exception ex)
        {
            // The file may now hold part of this entry; appending after it would bury a torn entry mid-log.
            _failure = ex;
            throw;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        _writeOffset += frameLength;
        _lastLsn = lsn;
        return lsn;
    }

    private void FlushLocked()
    {
        try
        {
            FlushToDisk(_handle);
        }
        catch (Exception ex)
        {
            // After a failed fsync the kernel may have dropped the dirty pages; nothing written since the last good
            // flush can be trusted, so the log stops here (reopening recovers what did reach the disk).
            _failure = ex;
            throw;
        }
    }

    // Caller holds _flushGate, so the handle is neither swapped nor closed while it is flushed outside _lock.
    private void MakeDurable(long lsn)
    {
        SafeFileHandle handle;
        long written;
        lock (_lock)
        {
            if (_durableLsn >= lsn)
            {
                return;
            }

            ThrowIfUnusable();
            handle = _handle;
            written = _lastLsn;
        }

        try
        {
            FlushToDisk(handle);
        }
        catch (Exception ex)
        {
            lock (_lock)
            {
                _failure ??= ex;
            }

            throw;
        }

        lock (_lock)
        {
            // Everything written before the flush started is on disk, including other writers' entries.
            _durableLsn = Math.Max(_durableLsn, written);
        }
    }

    private void FlushToDisk(SafeFileHandle handle)
    {
        RandomAccess.FlushToDisk(handle);
        Interlocked.Increment(ref _flushCount);
    }
}
