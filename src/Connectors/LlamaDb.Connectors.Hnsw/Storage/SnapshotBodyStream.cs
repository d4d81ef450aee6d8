namespace LlamaDb.Connectors.Hnsw.Storage;

/// <summary>
/// A read-only, seekable view of the body of a snapshot file: position 0 is the first body byte and reads stop at
/// the body's end. Disposing it leaves the file open.
/// </summary>
internal sealed class SnapshotBodyStream : Stream
{
    private readonly Stream _file;
    private readonly long _start;
    private readonly long _length;
    private long _position;

    /// <summary>Initializes a new instance of the <see cref="SnapshotBodyStream"/> class.</summary>
    public SnapshotBodyStream(Stream file, long start, long length)
    {
        _file = file;
        _start = start;
        _length = length;
    }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => true;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => _length;

    /// <inheritdoc />
    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        int count = Available(buffer.Length);
        if (count == 0)
        {
            return 0;
        }

        _file.Position = _start + _position;
        int read = _file.Read(buffer[..count]);
        _position += read;
        return read;
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int count = Available(buffer.Length);
        if (count == 0)
        {
            return 0;
        }

        _file.Position = _start + _position;
        int read = await _file.ReadAsync(buffer[..count], cancellationToken).ConfigureAwait(false);
        _position += read;
        return read;
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin)
    {
        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin), origin, "Unknown seek origin."),
        };

        if (target < 0)
        {
            throw new IOException("An attempt was made to move the position before the beginning of the snapshot body.");
        }

        _position = target;
        return target;
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Available(int requested) => (int)Math.Clamp(_length - _position, 0, requested);
}
