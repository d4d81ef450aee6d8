using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace LlamaDb.Connectors.Hnsw.Storage;

/// <summary>
/// The on-disk layout of <c>wal.log</c>. All integers are little-endian.
/// <code>
/// header (32 bytes): magic "LDBWAL\0\0" | u32 format version | u32 header size | i64 base LSN | u32 reserved (0) | u32 CRC-32C of bytes 0..27
/// entry:             i32 payload length | u32 CRC-32C of (i64 LSN bytes + payload) | i64 LSN | payload
/// </code>
/// Entries follow the header back to back with LSNs base+1, base+2, ... and no padding.
/// </summary>
internal static class WalFormat
{
    /// <summary>The format version this code writes and reads.</summary>
    public const int Version = 1;

    /// <summary>The size of the file header.</summary>
    public const int HeaderSize = 32;

    /// <summary>The size of an entry's framing before its payload.</summary>
    public const int FrameHeaderSize = 16;

    /// <summary>The largest payload one entry may hold (256 MiB).</summary>
    public const int MaxPayloadLength = 256 * 1024 * 1024;

    private const int HeaderChecksumOffset = 28;

    /// <summary>Gets the 8 bytes every log file starts with.</summary>
    public static ReadOnlySpan<byte> Magic => "LDBWAL\0\0"u8;

    /// <summary>Writes a file header for a log whose first entry will be <paramref name="baseLsn"/> + 1.</summary>
    public static void WriteHeader(Span<byte> destination, long baseLsn)
    {
        destination = destination[..HeaderSize];
        destination.Clear();
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], HeaderSize);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], baseLsn);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[HeaderChecksumOffset..], Crc32C.Compute(destination[..HeaderChecksumOffset]));
    }

    /// <summary>Validates a file header; on failure <paramref name="problem"/> says what is wrong.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> source, out long baseLsn, [NotNullWhen(false)] out string? problem)
    {
        baseLsn = 0;
        if (source.Length < HeaderSize)
        {
            problem = $"the file is {source.Length} bytes long, shorter than the {HeaderSize}-byte header";
            return false;
        }

        if (!source[..Magic.Length].SequenceEqual(Magic))
        {
            problem = "the file does not start with the write-ahead log magic 'LDBWAL'";
            return false;
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(source[HeaderChecksumOffset..]);
        uint actual = Crc32C.Compute(source[..HeaderChecksumOffset]);
        if (stored != actual)
        {
            problem = $"the header checksum is 0x{stored:X8} but the header hashes to 0x{actual:X8}";
            return false;
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(source[8..]);
        if (version != Version)
        {
            problem = $"the format version is {version}; this library reads version {Version}";
            return false;
        }

        uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(source[12..]);
        baseLsn = BinaryPrimitives.ReadInt64LittleEndian(source[16..]);
        if (headerSize != HeaderSize || baseLsn < 0)
        {
            problem = $"the header declares size {headerSize} and base LSN {baseLsn}";
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>The checksum an entry carries: CRC-32C over the LSN's 8 bytes followed by the payload.</summary>
    public static uint EntryChecksum(long lsn, ReadOnlySpan<byte> payload)
    {
        Span<byte> lsnBytes = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(lsnBytes, lsn);
        return Crc32C.Append(Crc32C.Compute(lsnBytes), payload);
    }

    /// <summary>Writes the 16-byte framing of an entry.</summary>
    public static void WriteFrameHeader(Span<byte> destination, long lsn, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], EntryChecksum(lsn, payload));
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], lsn);
    }

    /// <summary>
    /// Reads and validates the entry at <paramref name="offset"/>, which must be <paramref name="expectedLsn"/>
    /// and end at or before <paramref name="end"/>. The payload lands in <paramref name="buffer"/> (grown when too
    /// small, or a new exact-size array when <paramref name="freshBuffer"/> is set).
    /// </summary>
    public static bool TryReadEntry(
        Stream stream,
        long offset,
        long end,
        long expectedLsn,
        bool freshBuffer,
        ref byte[] buffer,
        out int length,
        [NotNullWhen(false)] out string? problem)
    {
        length = 0;
        if (end - offset < FrameHeaderSize)
        {
            problem = $"only {end - offset} bytes remain where a {FrameHeaderSize}-byte entry header was expected";
            return false;
        }

        Span<byte> frame = stackalloc byte[FrameHeaderSize];
        stream.Position = offset;
        stream.ReadExactly(frame);
        int declared = BinaryPrimitives.ReadInt32LittleEndian(frame);
        uint checksum = BinaryPrimitives.ReadUInt32LittleEndian(frame[4..]);
        long lsn = BinaryPrimitives.ReadInt64LittleEndian(frame[8..]);
        if (declared < 0 || declared > MaxPayloadLength)
        {
            problem = $"the entry declares a payload length of {declared}";
            return false;
        }

        if (lsn != expectedLsn)
        {
            problem = $"the entry has LSN {lsn} where {expectedLsn} was expected";
            return false;
        }

        if (offset + FrameHeaderSize + declared > end)
        {
            problem = $"the entry's {declared}-byte payload runs past the end of the data at offset {end}";
            return false;
        }

        if (freshBuffer)
        {
            buffer = declared == 0 ? [] : new byte[declared];
        }
        else if (buffer.Length < declared)
        {
            buffer = new byte[Math.Max(declared, buffer.Length * 2)];
        }

        Span<byte> payload = buffer.AsSpan(0, declared);
        stream.ReadExactly(payload);
        uint actual = EntryChecksum(lsn, payload);
        if (actual != checksum)
        {
            problem = $"the entry checksum is 0x{checksum:X8} but LSN {lsn} and its payload hash to 0x{actual:X8}";
            return false;
        }

        length = declared;
        problem = null;
        return true;
    }

    /// <summary>
    /// Looks for any valid entry starting after <paramref name="badOffset"/> (at any byte position, since the bad
    /// entry's length cannot be trusted) with an LSN above <paramref name="lastGoodLsn"/>. Finding one means the
    /// damage is not a torn tail.
    /// </summary>
    public static bool TryFindValidEntryAfter(Stream stream, long badOffset, long end, long lastGoodLsn, out long foundOffset)
    {
        // Every entry takes at least FrameHeaderSize bytes, which bounds the LSNs that can follow.
        long maxLsn = lastGoodLsn + ((end - badOffset) / FrameHeaderSize) + 1;
        byte[] window = new byte[64 * 1024];
        byte[] scratch = new byte[256];
        long position = badOffset + 1;
        while (end - position >= FrameHeaderSize)
        {
            int count = (int)Math.Min(window.Length, end - position);
            stream.Position = position;
            stream.ReadExactly(window, 0, count);
            for (int i = 0; i + FrameHeaderSize <= count; i++)
            {
                long lsn = BinaryPrimitives.ReadInt64LittleEndian(window.AsSpan(i + 8));
                if (lsn <= lastGoodLsn || lsn > maxLsn)
                {
                    continue;
                }

                int declared = BinaryPrimitives.ReadInt32LittleEndian(window.AsSpan(i));
                long candidate = position + i;
                if (declared < 0 || candidate + FrameHeaderSize + declared > end)
                {
                    continue;
                }

                if (TryReadEntry(stream, candidate, end, lsn, freshBuffer: false, ref scratch, out _, out _))
                {
                    foundOffset = candidate;
                    return true;
                }
            }

            // Step so the next window starts at the first candidate this one could not hold a whole header for.
            position += count - FrameHeaderSize + 1;
        }

        foundOffset = -1;
        return false;
    }
}
