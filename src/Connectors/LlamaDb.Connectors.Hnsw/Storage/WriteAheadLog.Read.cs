namespace LlamaDb.Connectors.Hnsw.Storage;

internal sealed partial class WriteAheadLog
{
    /// <summary>
    /// Reads back, in LSN order, every entry after <paramref name="afterLsn"/> that was written when enumeration
    /// starts; each entry's checksum is verified again. Appends may continue meanwhile.
    /// </summary>
    /// <param name="afterLsn">
    /// The LSN already reflected elsewhere (the checkpoint's), at least <see cref="BaseLsn"/>; 0 reads everything.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="afterLsn"/> is below <see cref="BaseLsn"/>: the entries in between were truncated.
    /// </exception>
    /// <exception cref="WalCorruptedException">The file was damaged after it was opened.</exception>
    public IEnumerable<WalEntry> ReadFrom(long afterLsn)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterLsn);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ThrowIfTruncatedPast(afterLsn);
        }

        return ReadEntries(afterLsn);
    }

    private IEnumerable<WalEntry> ReadEntries(long afterLsn)
    {
        (FileStream reader, long end, long baseLsn) = OpenSnapshotReader(afterLsn);
        using (reader)
        {
            Span<byte> header = stackalloc byte[WalFormat.HeaderSize];
            int headerBytes = reader.ReadAtLeast(header, WalFormat.HeaderSize, throwOnEndOfStream: false);
            if (!WalFormat.TryReadHeader(header[..headerBytes], out long fileBaseLsn, out int version, out string? headerProblem) || fileBaseLsn != baseLsn)
            {
                throw Corrupted(0, headerProblem ?? $"the header now says base LSN {fileBaseLsn} instead of {baseLsn}");
            }

            long offset = WalFormat.HeaderSize;
            long lsn = baseLsn;
            byte[] scratch = new byte[4096];
            while (offset < end)
            {
                lsn++;
                bool wanted = lsn > afterLsn;
                byte[] buffer = scratch;
                if (!WalFormat.TryReadEntry(reader, offset, end, lsn, freshBuffer: wanted, ref buffer, version, out int length, out _, out string? problem))
                {
                    throw Corrupted(offset, problem + " (the file changed after it was opened)");
                }

                offset += WalFormat.FrameHeaderSize + length;
                if (wanted)
                {
                    yield return new WalEntry(lsn, buffer);
                }
                else
                {
                    scratch = buffer;
                }
            }
        }
    }

    // Opened under the lock so the file and the offsets describe the same log even if TruncateThrough runs next
    // (on Unix the reader keeps the old file alive after the rename).
    private (FileStream Reader, long End, long BaseLsn) OpenSnapshotReader(long afterLsn)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ThrowIfTruncatedPast(afterLsn);
            return (OpenReader(_path), _writeOffset, _baseLsn);
        }
    }

    private void ThrowIfTruncatedPast(long afterLsn)
    {
        if (afterLsn < _baseLsn)
        {
            throw new ArgumentOutOfRangeException(
                nameof(afterLsn),
                afterLsn,
                $"The write-ahead log '{_path}' starts after LSN {_baseLsn}; entries up to it were truncated by a checkpoint.");
        }
    }
}
