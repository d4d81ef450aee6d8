using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace LlamaDb.Connectors.Hnsw.Storage;

internal sealed partial class WriteAheadLog
{
    // Walks the file entry by entry. The first entry that fails validation is either a torn tail (cut it off) or
    // damage in the middle (refuse to open, since cutting there would silently drop acknowledged writes). Version 1:
    // any valid later entry means damage. Version 2: only a later valid entry flagged "everything before me was on
    // disk" does; unflagged ones are the rest of an unflushed group commit, never acknowledged (see WalFormat).
    private static (WalRecovery Recovery, long WriteOffset) Recover(string path, SafeFileHandle handle, bool created, ILogger logger)
    {
        using FileStream reader = OpenReader(path);
        long length = reader.Length;
        Span<byte> header = stackalloc byte[WalFormat.HeaderSize];
        int headerBytes = reader.ReadAtLeast(header, WalFormat.HeaderSize, throwOnEndOfStream: false);
        if (!WalFormat.TryReadHeader(header[..headerBytes], out long baseLsn, out int version, out string? headerProblem))
        {
            throw new WalCorruptedException($"Write-ahead log '{path}' is corrupted at offset 0: {headerProblem}.", path, 0);
        }

        long offset = WalFormat.HeaderSize;
        long lastLsn = baseLsn;
        long count = 0;
        byte[] buffer = new byte[4096];
        while (offset < length)
        {
            if (WalFormat.TryReadEntry(reader, offset, length, lastLsn + 1, freshBuffer: false, ref buffer, version, out int payloadLength, out _, out string? problem))
            {
                offset += WalFormat.FrameHeaderSize + payloadLength;
                lastLsn++;
                count++;
                continue;
            }

            if (WalFormat.TryFindValidEntryAfter(reader, offset, length, lastLsn, version, out long validOffset))
            {
                throw new WalCorruptedException(
                    $"Write-ahead log '{path}' is corrupted at offset {offset}: {problem}; a valid entry follows at offset " +
                    $"{validOffset} that was written after this one reached the disk, so this is not a torn tail. The file was left as it is.",
                    path,
                    offset);
            }

            long torn = length - offset;
            RandomAccess.SetLength(handle, offset);
            RandomAccess.FlushToDisk(handle);
            StorageLog.TornTailTruncated(logger, path, torn, offset, count, lastLsn);
            return (new WalRecovery(created, baseLsn, count, lastLsn, torn, offset, version), offset);
        }

        return (new WalRecovery(created, baseLsn, count, lastLsn, TruncatedBytes: 0, TruncatedAtOffset: null, version), offset);
    }
}
