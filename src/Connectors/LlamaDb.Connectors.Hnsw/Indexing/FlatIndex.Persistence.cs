namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>Snapshot write and read (format in <see cref="VectorIndexSnapshot"/>).</summary>
internal sealed partial class FlatIndex
{
    /// <inheritdoc />
    /// <remarks>Holds the index exclusively while writing, so the snapshot is consistent: adds and searches wait.</remarks>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _resizeLock.EnterWriteLock();
        try
        {
            int idLimit = _idLimit;
            var writer = new SnapshotWriter(stream);
            VectorIndexSnapshot.WriteHeader(writer, new SnapshotHeader(
                VectorIndexKind.Flat, _metric, _dimensions, _options.M, _options.EfConstruction, _options.EfSearch, 0, idLimit, _count, -1, -1));
            writer.Write<byte>(_states.AsSpan(0, idLimit));
            writer.Write<float>(_vectors.AsSpan(0, idLimit * _stride));
            writer.WriteChecksum();
        }
        finally
        {
            _resizeLock.ExitWriteLock();
        }
    }

    /// <summary>Reads the body that follows <paramref name="header"/>.</summary>
    internal static FlatIndex ReadBody(SnapshotReader reader, SnapshotHeader header)
    {
        VectorIndexOptions options = header.ToOptions();
        int idLimit = header.IdLimit;
        int stride = VectorCodec.Stride(header.Metric, header.Dimensions);
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
        reader.Read<byte>(index._states.AsSpan(0, idLimit), "the id states");
        reader.Read<float>(index._vectors.AsSpan(0, idLimit * stride), "the vectors");
        reader.VerifyChecksum();
        VectorIndexSnapshot.ValidateStates(index._states.AsSpan(0, idLimit), header.Count);
        index._idLimit = idLimit;
        index._count = header.Count;
        return index;
    }
}
