using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace LlamaDb.Connectors.Hnsw.Storage;

internal sealed partial class WriteAheadLog
{
    // Walks the file entry by entry. The first entry that fails validation is either a torn tail (nothing valid
    // follows it anywhere: cut it off) or damage in the middle (a valid later entry exists: refuse to open, since
    // cutting there would silently drop acknowledged writes).
    private static (WalRecovery Recovery, long WriteOffset) Recover(string path, SafeFileHandle handle, bool created, ILogger logger)
    {
        using FileStream reader = OpenReader(path);
        long length = reader.Length;
        Span<byte> header = stackalloc byte[WalFormat.HeaderSize];
        int headerBytes = reader.ReadAtLeast(header, WalFormat.HeaderSize, throwOnEndOfStream: false);
        if (!WalFormat.TryReadHeader(header[..headerBytes], out long baseLsn, out string? headerProblem))
        {
            throw new WalCorruptedException($"Write-ahead log '{path}' is corrupted at offset 0: {headerProblem}.", path, 0);
        }

        long offset = WalFormat.HeaderSize;
        long lastLsn = baseLsn;
        long count = 0;
        byte[] buffer = new byte[4096];
        while (offset < length)
        {
            if (WalFormat.TryReadEntry(reader, offset, length, lastLsn + 1, freshBuffer: false, ref buffer, out int payloadLength, out string? problem))
            {
                offset += WalFormat.FrameHeaderSize + payloadLength;
                lastLsn++;
                count++;
                continue;
            }

            if (WalFormat.TryFindValidEntryAfter(reader, offset, length, lastLsn, out long validOffset))
            {
                throw new WalCorruptedException(
                    $"Write-ahead log '{path}' is corrupted at offset {offset}: {problem}; a valid entry follows at offset " +
                    $"{validOffset}, so this is not a torn tail. The file was left as it is.",
                    path,
                    offset);
            }

            long torn = length - offset;
            RandomAccess.SetLength(handle, offset);
            RandomAccess.FlushToDisk(handle);
            StorageLog.TornTailTruncated(logger, path, torn, offset, count, lastLsn);
            return (new WalRecovery(created, baseLsn, count, lastLsn, torn, offset), offset);
        }

        return (new WalRecovery(created, baseLsn, count, lastLsn, TruncatedBytes: 0, TruncatedAtOffset: null), offset);
    }
}
