using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace LlamaDb.Connectors.Hnsw.Storage;

/// <summary>
/// Checksummed, atomically replaced snapshot files (<c>vectors.bin</c>, <c>graph.bin</c>, ...). All integers are
/// little-endian.
/// <code>
/// header (80 bytes): magic "LDBSNAP\0" | u32 container version | u32 header size | kind (32 bytes UTF-8, zero-padded)
///                    | i32 body format version | u32 reserved (0) | i64 LSN | i64 body length | u32 body CRC-32C
///                    | u32 CRC-32C of bytes 0..75
/// body:              body length bytes written by the caller; nothing after it
/// </code>
/// </summary>
internal static class SnapshotFile
{
    /// <summary>The container layout version this code writes and reads.</summary>
    public const int ContainerVersion = 1;

    /// <summary>The size of the header in front of the body.</summary>
    public const int HeaderSize = 80;

    /// <summary>The longest kind, in UTF-8 bytes.</summary>
    public const int MaxKindLength = 32;

    private const int KindOffset = 16;
    private const int FormatVersionOffset = 48;
    private const int LsnOffset = 56;
    private const int BodyLengthOffset = 64;
    private const int BodyChecksumOffset = 72;
    private const int HeaderChecksumOffset = 76;
    private const int BufferSize = 64 * 1024;

    private static ReadOnlySpan<byte> Magic => "LDBSNAP\0"u8;

    /// <summary>
    /// Writes a snapshot: the header and the body <paramref name="writeBody"/> produces go to
    /// <c><paramref name="path"/>.tmp</c>, which is flushed to disk and renamed over <paramref name="path"/>; the
    /// directory is then flushed (Linux, macOS, FreeBSD). A crash at any point leaves the previous snapshot intact.
    /// </summary>
    /// <param name="path">The snapshot file.</param>
    /// <param name="kind">What the file holds, e.g. <c>vectors</c>: ASCII letters, digits, '.', '-', '_', at most 32.</param>
    /// <param name="formatVersion">The version of the body layout.</param>
    /// <param name="lsn">The last write-ahead log LSN the snapshot reflects.</param>
    /// <param name="writeBody">Writes the body to a forward-only stream; it must not keep the stream.</param>
    public static void Write(string path, string kind, int formatVersion, long lsn, Action<Stream> writeBody)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ValidateKind(kind);
        ArgumentOutOfRangeException.ThrowIfNegative(formatVersion);
        ArgumentOutOfRangeException.ThrowIfNegative(lsn);
        ArgumentNullException.ThrowIfNull(writeBody);

        string fullPath = Path.GetFullPath(path);
        string tempPath = fullPath + DurableFile.TempSuffix;
        try
        {
            WriteTemp(tempPath, kind, formatVersion, lsn, writeBody);
            DurableFile.Replace(tempPath, fullPath);
        }
        catch
        {
            DurableFile.TryDelete(tempPath);
            throw;
        }
    }

    /// <summary>
    /// Reads a snapshot. The magic, kind, format version, length and body checksum are all verified before
    /// <paramref name="readBody"/> sees a byte. A leftover <c>.tmp</c> beside the file is ignored.
    /// </summary>
    /// <typeparam name="T">What <paramref name="readBody"/> builds.</typeparam>
    /// <param name="path">The snapshot file.</param>
    /// <param name="kind">The kind the file must hold.</param>
    /// <param name="formatVersion">The body format version the file must have.</param>
    /// <param name="readBody">Reads the body from a seekable stream over exactly its bytes, given the snapshot's LSN.</param>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="SnapshotCorruptedException">The file fails any check.</exception>
    public static T Read<T>(string path, string kind, int formatVersion, Func<Stream, long, T> readBody)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ValidateKind(kind);
        ArgumentOutOfRangeException.ThrowIfNegative(formatVersion);
        ArgumentNullException.ThrowIfNull(readBody);

        string fullPath = Path.GetFullPath(path);
        // FileShare.Delete: a concurrent Write may rename a new snapshot over this one (this reader keeps the old file).
        using var file = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize);
        long fileLength = file.Length;
        Span<byte> header = stackalloc byte[HeaderSize];
        int headerBytes = file.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false);
        (long lsn, long bodyLength, uint bodyChecksum) = ValidateHeader(header[..headerBytes], fileLength, fullPath, kind, formatVersion);

        uint actual = ComputeBodyChecksum(file, bodyLength, fullPath);
        if (actual != bodyChecksum)
        {
            throw Corrupted(fullPath, $"the body checksum is 0x{bodyChecksum:X8} but the body hashes to 0x{actual:X8}");
        }

        using var body = new SnapshotBodyStream(file, HeaderSize, bodyLength);
        return readBody(body, lsn);
    }

    private static void WriteTemp(string tempPath, string kind, int formatVersion, long lsn, Action<Stream> writeBody)
    {
        using var file = new FileStream(tempPath, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize);
        file.Write(new byte[HeaderSize]);
        long bodyLength;
        uint bodyChecksum;
        using (var body = new Crc32CWriteStream(file))
        {
            writeBody(body);
            bodyLength = body.BytesWritten;
            bodyChecksum = body.Crc;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        header.Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], ContainerVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], HeaderSize);
        Encoding.ASCII.GetBytes(kind, header.Slice(KindOffset, MaxKindLength));
        BinaryPrimitives.WriteInt32LittleEndian(header[FormatVersionOffset..], formatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(header[LsnOffset..], lsn);
        BinaryPrimitives.WriteInt64LittleEndian(header[BodyLengthOffset..], bodyLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[BodyChecksumOffset..], bodyChecksum);
        BinaryPrimitives.WriteUInt32LittleEndian(header[HeaderChecksumOffset..], Crc32C.Compute(header[..HeaderChecksumOffset]));
        file.Position = 0;
        file.Write(header);
        file.Flush(flushToDisk: true);
    }

    private static (long Lsn, long BodyLength, uint BodyChecksum) ValidateHeader(
        ReadOnlySpan<byte> header, long fileLength, string path, string kind, int formatVersion)
    {
        if (header.Length < HeaderSize)
        {
            throw Corrupted(path, $"the file is {fileLength} bytes long, shorter than the {HeaderSize}-byte header");
        }

        if (!header[..Magic.Length].SequenceEqual(Magic))
        {
            throw Corrupted(path, "the file does not start with the snapshot magic 'LDBSNAP'");
        }

        uint storedHeaderChecksum = BinaryPrimitives.ReadUInt32LittleEndian(header[HeaderChecksumOffset..]);
        uint actualHeaderChecksum = Crc32C.Compute(header[..HeaderChecksumOffset]);
        if (storedHeaderChecksum != actualHeaderChecksum)
        {
            throw Corrupted(path, $"the header checksum is 0x{storedHeaderChecksum:X8} but the header hashes to 0x{actualHeaderChecksum:X8}");
        }

        uint containerVersion = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        if (containerVersion != ContainerVersion || headerSize != HeaderSize)
        {
            throw Corrupted(path, $"the container version is {containerVersion} with a {headerSize}-byte header; this library reads version {ContainerVersion}");
        }

        ReadOnlySpan<byte> storedKind = header.Slice(KindOffset, MaxKindLength);
        int kindLength = storedKind.IndexOf((byte)0);
        storedKind = kindLength < 0 ? storedKind : storedKind[..kindLength];
        Span<byte> expectedKind = stackalloc byte[MaxKindLength];
        int expectedKindLength = Encoding.ASCII.GetBytes(kind, expectedKind);
        if (!storedKind.SequenceEqual(expectedKind[..expectedKindLength]))
        {
            throw Corrupted(path, $"it holds '{Encoding.ASCII.GetString(storedKind)}' where '{kind}' was expected");
        }

        int storedFormatVersion = BinaryPrimitives.ReadInt32LittleEndian(header[FormatVersionOffset..]);
        if (storedFormatVersion != formatVersion)
        {
            throw Corrupted(path, $"its '{kind}' format version is {storedFormatVersion} where {formatVersion} was expected");
        }

        long lsn = BinaryPrimitives.ReadInt64LittleEndian(header[LsnOffset..]);
        long bodyLength = BinaryPrimitives.ReadInt64LittleEndian(header[BodyLengthOffset..]);
        if (lsn < 0 || bodyLength < 0)
        {
            throw Corrupted(path, $"the header declares LSN {lsn} and body length {bodyLength}");
        }

        long actualBodyLength = fileLength - HeaderSize;
        if (actualBodyLength != bodyLength)
        {
            string what = actualBodyLength < bodyLength ? "truncated" : "longer than declared";
            throw Corrupted(path, $"it is {what}: the header declares a {bodyLength}-byte body but {actualBodyLength} bytes follow it");
        }

        return (lsn, bodyLength, BinaryPrimitives.ReadUInt32LittleEndian(header[BodyChecksumOffset..]));
    }

    private static uint ComputeBodyChecksum(FileStream file, long bodyLength, string path)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            uint crc = 0;
            file.Position = HeaderSize;
            for (long remaining = bodyLength; remaining > 0;)
            {
                int read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
                if (read == 0)
                {
                    throw Corrupted(path, $"the file ended {remaining} bytes before its declared body end (it shrank while being read)");
                }

                crc = Crc32C.Append(crc, buffer.AsSpan(0, read));
                remaining -= read;
            }

            return crc;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void ValidateKind(string kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        if (kind.Length > MaxKindLength)
        {
            throw new ArgumentException($"A snapshot kind has at most {MaxKindLength} characters; '{kind}' has {kind.Length}.", nameof(kind));
        }

        foreach (char c in kind)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '-' or '_'))
            {
                throw new ArgumentException($"A snapshot kind uses ASCII letters, digits, '.', '-' and '_' only; '{kind}' has '{c}'.", nameof(kind));
            }
        }
    }

    private static SnapshotCorruptedException Corrupted(string path, string problem) =>
        new($"Snapshot file '{path}' is corrupted: {problem}.", path);
}
