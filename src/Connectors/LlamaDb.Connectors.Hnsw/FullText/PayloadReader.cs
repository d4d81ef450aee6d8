using System.Buffers.Binary;

namespace LlamaDb.Connectors.Hnsw.FullText;

/// <summary>Reads little-endian values from a byte span, throwing <see cref="InvalidDataException"/> past its end.</summary>
internal ref struct PayloadReader
{
    private readonly ReadOnlySpan<byte> _data;

    public PayloadReader(ReadOnlySpan<byte> data)
    {
        _data = data;
    }

    /// <summary>Gets the read position.</summary>
    public int Position { get; private set; }

    /// <summary>Gets the number of bytes left.</summary>
    public readonly int Remaining => _data.Length - Position;

    /// <summary>Reads an int32 that must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int ReadInt32(string what, int min, int max)
    {
        int value = BinaryPrimitives.ReadInt32LittleEndian(Take(sizeof(int), what));
        if (value < min || value > max)
        {
            throw new InvalidDataException($"Corrupt BM25 index: {what} is {value}, expected {min}..{max} (at payload offset {Position - sizeof(int)}).");
        }

        return value;
    }

    /// <summary>Reads <paramref name="count"/> raw bytes.</summary>
    public ReadOnlySpan<byte> ReadBytes(int count, string what) => Take(count, what);

    private ReadOnlySpan<byte> Take(int count, string what)
    {
        if (count > Remaining)
        {
            throw new InvalidDataException($"Corrupt BM25 index: the payload ends inside {what} (at payload offset {Position}).");
        }

        ReadOnlySpan<byte> span = _data.Slice(Position, count);
        Position += count;
        return span;
    }
}
