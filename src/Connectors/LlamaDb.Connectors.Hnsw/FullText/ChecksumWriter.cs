using System.Buffers;
using System.Buffers.Binary;

namespace LlamaDb.Connectors.Hnsw.FullText;

/// <summary>Writes little-endian values to a stream through a pooled buffer, hashing everything written with FNV-1a.</summary>
internal sealed class ChecksumWriter : IDisposable
{
    private const int BufferSize = 64 * 1024;

    private readonly Stream _stream;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _used;

    public ChecksumWriter(Stream stream)
    {
        _stream = stream;
    }

    /// <summary>Gets the hash of everything written so far, buffered bytes included.</summary>
    public ulong Hash => Fnv1a64.Append(FlushedHash, _buffer.AsSpan(0, _used));

    private ulong FlushedHash { get; set; } = Fnv1a64.Initial;

    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(Reserve(sizeof(int)), value);
        _used += sizeof(int);
    }

    public void WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(Reserve(sizeof(ulong)), value);
        _used += sizeof(ulong);
    }

    public void WriteSingle(float value)
    {
        BinaryPrimitives.WriteSingleLittleEndian(Reserve(sizeof(float)), value);
        _used += sizeof(float);
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_used == _buffer.Length)
            {
                Flush();
            }

            int count = Math.Min(bytes.Length, _buffer.Length - _used);
            bytes[..count].CopyTo(_buffer.AsSpan(_used));
            _used += count;
            bytes = bytes[count..];
        }
    }

    /// <summary>Hashes and writes the buffered bytes to the stream.</summary>
    public void Flush()
    {
        ReadOnlySpan<byte> pending = _buffer.AsSpan(0, _used);
        FlushedHash = Fnv1a64.Append(FlushedHash, pending);
        _stream.Write(pending);
        _used = 0;
    }

    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        _used = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Span<byte> Reserve(int size)
    {
        if (_buffer.Length - _used < size)
        {
            Flush();
        }

        return _buffer.AsSpan(_used, size);
    }
}
