namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>Snapshot write and read (format in <see cref="VectorIndexSnapshot"/>).</summary>
internal sealed partial class FlatIndex
{
    /// <inheritdoc />
    public void WriteTo(Stream stream) => WriteTo(stream, callerExcludesWriters: false);

    /// <inheritdoc />
    public void WriteTo(Stream stream, bool callerExcludesWriters)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (callerExcludesWriters)
        {
            _resizeLock.EnterReadLock();
        }
        else
        {
            _resizeLock.EnterWriteLock();
        }

        try
        {
            int idLimit = _idLimit;
            var writer = new SnapshotWriter(stream);
            VectorIndexSnapshot.WriteHeader(writer, new SnapshotHeader(
                VectorIndexKind.Flat, _metric, _dimensions, _options.M, _options.EfConstruction, _options.EfSearch, 0, idLimit, _count, -1, -1, _options.Quantization, _options.Oversampling));
            writer.Write<byte>(_states.AsSpan(0, idLimit));
            writer.Write<float>(_vectors.AsSpan(0, idLimit * _stride));
            for (int id = 0; _raw is not null && id < idLimit; id++)
            {
                writer.Write<float>(_raw.Vector(id));
            }

            writer.WriteChecksum();
        }
        finally
        {
            if (callerExcludesWriters)
            {
                _resizeLock.ExitReadLock();
            }
            else
            {
                _resizeLock.ExitWriteLock();
            }
        }
    }

    /// <summary>Reads the body that follows <paramref name="header"/>.</summary>
    internal static FlatIndex ReadBody(SnapshotReader reader, SnapshotHeader header, string? rawVectorDirectory)
    {
        VectorIndexOptions options = header.ToOptions(rawVectorDirectory);
        int idLimit = header.IdLimit;
        int stride = VectorCodec.Stride(CodeSpaces.For(header.Metric, header.Quantization), header.Dimensions);
        if ((long)idLimit * stride > Array.MaxLength)
        {
            throw new InvalidDataException($"The index snapshot's id limit {idLimit} is too large for {header.Dimensions} dimensions.");
        }

        if (header.EntryPoint != -1 || header.TopLevel != -1)
        {
            throw new InvalidDataException($"The flat index snapshot has an entry point {header.EntryPoint} / top level {header.TopLevel}; both must be -1.");
        }

        VectorIndexSnapshot.EnsureRemaining(reader, (idLimit * (1L + (4L * stride))) + sizeof(ulong), "the states and vectors");
        var index = new FlatIndex(options);
        try
        {
            reader.Read<byte>(index._states.AsSpan(0, idLimit), "the id states");
            reader.Read<float>(index._vectors.AsSpan(0, idLimit * stride), "the vectors");
            if (index._raw is not null)
            {
                VectorIndexSnapshot.EnsureRemaining(reader, (4L * idLimit * header.Dimensions) + sizeof(ulong), "the raw vectors");
                for (int id = 0; id < idLimit; id++)
                {
                    reader.Read<float>(index._raw.Vector(id), "the raw vectors");
                }
            }

            reader.VerifyChecksum();
        }
        catch
        {
            index.Dispose();
            throw;
        }

        VectorIndexSnapshot.ValidateStates(index._states.AsSpan(0, idLimit), header.Count);
        index._idLimit = idLimit;
        index._count = header.Count;
        return index;
    }
}
