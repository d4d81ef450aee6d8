using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace LlamaDb.Connectors.Hnsw.Storage;

/// <summary>
/// The on-disk layout of <c>wal.log</c>. All integers are little-endian.
/// <code>
/// header (32 bytes): magic "LDBWAL\0\0" | u32 format version | u32 header size | i64 base LSN | u32 reserved (0) | u32 CRC-32C of bytes 0..27
/// entry:             u32 payload length + flags | u32 CRC-32C | i64 LSN | payload
/// </code>
/// Entries follow the header back to back with LSNs base+1, base+2, ... and no padding.
/// Version 1: the first field is the payload length alone; the CRC covers the LSN's 8 bytes and the payload.
/// Version 2: bit 30 of the first field is <see cref="PriorDurableFlag"/>: every earlier entry had been flushed to
/// disk when this one was written. The CRC covers the LSN's 8 bytes, the payload and one flag byte (1 or 0).
/// The flag is what tells a torn group-commit tail from damage: after a power loss, an entry written but not yet
/// flushed can be torn while a later entry of the same unflushed group is complete; no entry written after the
/// torn one carries the flag, so everything from it on was never acknowledged and is cut off. A flagged valid entry
/// after a bad one proves the bad one had been flushed, i.e. real damage, and opening fails.
/// </summary>
internal static class WalFormat
{
    /// <summary>The format version this code writes (it reads 1 and 2).</summary>
    public const int Version = 2;

    /// <summary>Version 2 entry flag: all earlier entries were on disk when this entry was written.</summary>
    public const uint PriorDurableFlag = 0x4000_0000;

    /// <summary>The bits of the first entry field that hold the payload length.</summary>
    public const uint LengthMask = 0x1FFF_FFFF;

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
    public static void WriteHeader(Span<byte> destination, long baseLsn, int version = Version)
    {
        destination = destination[..HeaderSize];
        destination.Clear();
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], (uint)version);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], HeaderSize);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], baseLsn);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[HeaderChecksumOffset..], Crc32C.Compute(destination[..HeaderChecksumOffset]));
    }

    /// <summary>Validates a file header; on failure <paramref name="problem"/> says what is wrong.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> source, out long baseLsn, [NotNullWhen(false)] out string? problem) =>
        TryReadHeader(source, out baseLsn, out _, out problem);

    /// <summary>Validates a file header and returns its format version; on failure <paramref name="problem"/> says what is wrong.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> source, out long baseLsn, out int version, [NotNullWhen(false)] out string? problem)
    {
        baseLsn = 0;
        version = 0;
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

        uint storedVersion = BinaryPrimitives.ReadUInt32LittleEndian(source[8..]);
        if (storedVersion is not (1 or Version))
        {
            problem = $"the format version is {storedVersion}; this library reads versions 1 to {Version}";
            return false;
        }

        version = (int)storedVersion;

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

    /// <summary>The version 1 checksum: CRC-32C over the LSN's 8 bytes followed by the payload.</summary>
    public static uint EntryChecksum(long lsn, ReadOnlySpan<byte> payload)
    {
        Span<byte> lsnBytes = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(lsnBytes, lsn);
        return Crc32C.Append(Crc32C.Compute(lsnBytes), payload);
    }

    /// <summary>The checksum an entry of <paramref name="version"/> carries.</summary>
    public static uint EntryChecksum(int version, long lsn, ReadOnlySpan<byte> payload, bool priorDurable)
    {
        uint crc = EntryChecksum(lsn, payload);
        if (version == 1)
        {
            return crc;
        }

        ReadOnlySpan<byte> flag = priorDurable ? [1] : [0];
        return Crc32C.Append(crc, flag);
    }

    /// <summary>Writes the 16-byte framing of a version 1 entry.</summary>
    public static void WriteFrameHeader(Span<byte> destination, long lsn, ReadOnlySpan<byte> payload) =>
        WriteFrameHeader(destination, 1, lsn, payload, priorDurable: false);

    /// <summary>Writes the 16-byte framing of an entry of <paramref name="version"/>.</summary>
    public static void WriteFrameHeader(Span<byte> destination, int version, long lsn, ReadOnlySpan<byte> payload, bool priorDurable)
    {
        uint first = (uint)payload.Length | (version >= 2 && priorDurable ? PriorDurableFlag : 0);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, first);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], EntryChecksum(version, lsn, payload, priorDurable));
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], lsn);
    }

    /// <summary>The payload length in an entry's first field.</summary>
    public static int PayloadLength(ReadOnlySpan<byte> frame, int version) =>
        version == 1 ? BinaryPrimitives.ReadInt32LittleEndian(frame) : (int)(BinaryPrimitives.ReadUInt32LittleEndian(frame) & LengthMask);

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
        [NotNullWhen(false)] out string? problem) =>
        TryReadEntry(stream, offset, end, expectedLsn, freshBuffer, ref buffer, 1, out length, out _, out problem);

    /// <summary>Reads and validates an entry of a version <paramref name="version"/> file; see the other overload.</summary>
    public static bool TryReadEntry(
        Stream stream,
        long offset,
        long end,
        long expectedLsn,
        bool freshBuffer,
        ref byte[] buffer,
        int version,
        out int length,
        out bool priorDurable,
        [NotNullWhen(false)] out string? problem)
    {
        length = 0;
        priorDurable = false;
        if (end - offset < FrameHeaderSize)
        {
            problem = $"only {end - offset} bytes remain where a {FrameHeaderSize}-byte entry header was expected";
            return false;
        }

        Span<byte> frame = stackalloc byte[FrameHeaderSize];
        stream.Position = offset;
        stream.ReadExactly(frame);
        uint first = BinaryPrimitives.ReadUInt32LittleEndian(frame);
        uint checksum = BinaryPrimitives.ReadUInt32LittleEndian(frame[4..]);
        long lsn = BinaryPrimitives.ReadInt64LittleEndian(frame[8..]);
        bool flagged = version >= 2 && (first & PriorDurableFlag) != 0;
        int declared = version == 1 ? (int)first : (int)(first & ~PriorDurableFlag);
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
        uint actual = EntryChecksum(version, lsn, payload, flagged);
        if (actual != checksum)
        {
            problem = $"the entry checksum is 0x{checksum:X8} but LSN {lsn} and its payload hash to 0x{actual:X8}";
            return false;
        }

        length = declared;
        priorDurable = version == 1 || flagged;
        problem = null;
        return true;
    }

    /// <summary>
    /// Looks for any valid entry starting after <paramref name="badOffset"/> (at any byte position, since the bad
    /// entry's length cannot be trusted) with an LSN above <paramref name="lastGoodLsn"/>. Finding one means the
    /// damage is not a torn tail.
    /// </summary>
    public static bool TryFindValidEntryAfter(Stream stream, long badOffset, long end, long lastGoodLsn, out long foundOffset) =>
        TryFindValidEntryAfter(stream, badOffset, end, lastGoodLsn, 1, out foundOffset);

    /// <summary>
    /// Like the other overload for a file of <paramref name="version"/>; for version 2 only an entry carrying
    /// <see cref="PriorDurableFlag"/> counts (it proves the damaged entry had been flushed).
    /// </summary>
    public static bool TryFindValidEntryAfter(Stream stream, long badOffset, long end, long lastGoodLsn, int version, out long foundOffset)
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

                int declared = PayloadLength(window.AsSpan(i), version);
                long candidate = position + i;
                if (declared < 0 || candidate + FrameHeaderSize + declared > end)
                {
                    continue;
                }

                if (TryReadEntry(stream, candidate, end, lsn, freshBuffer: false, ref scratch, version, out _, out bool priorDurable, out _) && priorDurable)
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
