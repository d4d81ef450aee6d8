namespace LlamaDb.Connectors.Hnsw.Storage;

/// <summary>
/// A write-only, forward-only stream that passes bytes to another stream while counting them and computing their
/// CRC-32C. Disposing it leaves the inner stream open.
/// </summary>
internal sealed class Crc32CWriteStream : Stream
{
    private readonly Stream _inner;
    private long _bytesWritten;
    private uint _crc;

    /// <summary>Initializes a new instance of the <see cref="Crc32CWriteStream"/> class.</summary>
    public Crc32CWriteStream(Stream inner)
    {
        _inner = inner;
    }

    /// <summary>Gets the number of bytes written so far.</summary>
    public long BytesWritten => _bytesWritten;

    /// <summary>Gets the CRC-32C of the bytes written so far.</summary>
    public uint Crc => _crc;

    /// <inheritdoc />
    public override bool CanRead => false;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => _bytesWritten;
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _inner.Write(buffer);
        _crc = Crc32C.Append(_crc, buffer);
        _bytesWritten += buffer.Length;
    }

    /// <inheritdoc />
    public override void WriteByte(byte value) => Write([value]);

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        _crc = Crc32C.Append(_crc, buffer.Span);
        _bytesWritten += buffer.Length;
    }

    /// <inheritdoc />
    public override void Flush() => _inner.Flush();

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();
}
