using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>Reads the sections <see cref="SnapshotWriter"/> wrote, checksumming them; a short stream is an <see cref="InvalidDataException"/>.</summary>
internal sealed class SnapshotReader(Stream stream)
{
    private SnapshotChecksum _checksum = new();

    /// <summary>Gets the bytes left in the stream when it can tell, else <see langword="null"/>.</summary>
    public long? Remaining => stream.CanSeek ? stream.Length - stream.Position : null;

    /// <summary>Reads exactly <paramref name="destination"/>.Length bytes as one section.</summary>
    public void Read(Span<byte> destination, string what)
    {
        try
        {
            stream.ReadExactly(destination);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException($"The index snapshot is truncated: the stream ended while reading {what}.", ex);
        }

        _checksum.Append(destination);
    }

    /// <summary>Reads an int32.</summary>
    public int ReadInt32(string what)
    {
        Span<byte> buffer = stackalloc byte[sizeof(int)];
        Read(buffer, what);
        return BinaryPrimitives.ReadInt32LittleEndian(buffer);
    }

    /// <summary>Reads an int64.</summary>
    public long ReadInt64(string what)
    {
        Span<byte> buffer = stackalloc byte[sizeof(long)];
        Read(buffer, what);
        return BinaryPrimitives.ReadInt64LittleEndian(buffer);
    }

    /// <summary>Reads an array of unmanaged values as one section.</summary>
    public void Read<T>(Span<T> destination, string what)
        where T : unmanaged => Read(MemoryMarshal.AsBytes(destination), what);

    /// <summary>Reads the trailing checksum and compares it with the checksum of everything read.</summary>
    public void VerifyChecksum()
    {
        ulong expected = _checksum.Value;
        Span<byte> buffer = stackalloc byte[sizeof(ulong)];
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("The index snapshot is truncated: the stream ended before the checksum.", ex);
        }

        ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(buffer);
        if (stored != expected)
        {
            throw new InvalidDataException($"The index snapshot checksum does not match (stored {stored:x16}, computed {expected:x16}): the data is corrupted.");
        }
    }
}
