namespace LlamaDb.Connectors.Hnsw.Tests;

/// <summary>
/// A read-only stream that cannot seek or tell its length (like a network or pipe stream) and returns at most
/// <paramref name="chunk"/> bytes per read, so readers must handle short reads.
/// </summary>
internal sealed class ForwardOnlyStream(ReadOnlyMemory<byte> data, int chunk = 7) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(buffer.Length, Math.Min(chunk, data.Length - _position)); // short reads on purpose
        data.Span.Slice(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
