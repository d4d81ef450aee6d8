using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>Writes little-endian snapshot sections and keeps their checksum.</summary>
internal sealed class SnapshotWriter(Stream stream)
{
    private SnapshotChecksum _checksum = new();

    /// <summary>Writes raw bytes as one section.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        _checksum.Append(bytes);
        stream.Write(bytes);
    }

    /// <summary>Writes an int32.</summary>
    public void Write(int value)
    {
        Span<byte> buffer = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, value);
        Write(buffer);
    }

    /// <summary>Writes an int64.</summary>
    public void Write(long value)
    {
        Span<byte> buffer = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(buffer, value);
        Write(buffer);
    }

    /// <summary>Writes an array of unmanaged values as one section (the platform is little-endian; see <see cref="VectorIndexSnapshot"/>).</summary>
    public void Write<T>(ReadOnlySpan<T> values)
        where T : unmanaged => Write(MemoryMarshal.AsBytes(values));

    /// <summary>Writes the checksum of everything written so far (not itself checksummed).</summary>
    public void WriteChecksum()
    {
        Span<byte> buffer = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(buffer, _checksum.Value);
        stream.Write(buffer);
    }
}
