namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>Snapshot write and read (format in <see cref="VectorIndexSnapshot"/>).</summary>
internal sealed partial class HnswIndex
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
            long entry = _entry;
            var writer = new SnapshotWriter(stream);
            VectorIndexSnapshot.WriteHeader(writer, new SnapshotHeader(
                VectorIndexKind.Hnsw, _metric, _dimensions, _m, _efConstruction, _efSearch, (long)_levelSeed, idLimit, _count, (int)entry, (int)(entry >> 32), _quantization, _oversampling));
            writer.Write<byte>(_states.AsSpan(0, idLimit));
            writer.Write<float>(_vectors.AsSpan(0, idLimit * _stride));
            writer.Write<int>(_levels.AsSpan(0, idLimit));
            writer.Write<int>(_links0.AsSpan(0, idLimit * _linkStride0));
            for (int id = 0; id < idLimit; id++)
            {
                if (_states[id] != NodeState.Absent && _levels[id] > 0)
                {
                    writer.Write<int>(_upperLinks[id]);
                }
            }

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

    /// <summary>Reads the body that follows <paramref name="header"/> and validates the graph.</summary>
    internal static HnswIndex ReadBody(SnapshotReader reader, SnapshotHeader header, string? rawVectorDirectory)
    {
        VectorIndexOptions options = header.ToOptions(rawVectorDirectory);
        int idLimit = header.IdLimit;
        int stride = VectorCodec.Stride(CodeSpaces.For(header.Metric, header.Quantization), header.Dimensions);
        int linkStride0 = (2 * header.M) + 1;
        if ((long)idLimit * Math.Max(stride, linkStride0) > Array.MaxLength)
        {
            throw new InvalidDataException($"The index snapshot's id limit {idLimit} is too large for {header.Dimensions} dimensions.");
        }

        long needed = (idLimit * (1L + (4L * stride) + 4L + (4L * linkStride0))) + sizeof(ulong);
        VectorIndexSnapshot.EnsureRemaining(reader, needed, "the states, vectors, levels and level-0 links");
        var index = new HnswIndex(options, (ulong)header.LevelSeed, Math.Max(idLimit, 1));
        try
        {
            index.ReadInto(reader, header, idLimit);
        }
        catch
        {
            index.Dispose();
            throw;
        }

        return index;
    }

    private void ReadInto(SnapshotReader reader, SnapshotHeader header, int idLimit)
    {
        HnswIndex index = this;
        int linkStride0 = _linkStride0;
        int stride = _stride;
        reader.Read<byte>(index._states.AsSpan(0, idLimit), "the id states");
        reader.Read<float>(index._vectors.AsSpan(0, idLimit * stride), "the vectors");
        reader.Read<int>(index._levels.AsSpan(0, idLimit), "the levels");
        reader.Read<int>(index._links0.AsSpan(0, idLimit * linkStride0), "the level-0 links");
        for (int id = 0; id < idLimit; id++)
        {
            int level = index._levels[id];
            if (index._states[id] == NodeState.Absent ? level != 0 : level < 0 || level > MaxLevel)
            {
                throw new InvalidDataException($"The index snapshot has an invalid level {level} for id {id}.");
            }

            if (index._states[id] != NodeState.Absent && level > 0)
            {
                int[] upper = new int[level * index._linkStrideUpper];
                VectorIndexSnapshot.EnsureRemaining(reader, (4L * upper.Length) + sizeof(ulong), $"the upper links of id {id}");
                reader.Read<int>(upper, $"the upper links of id {id}");
                index._upperLinks[id] = upper;
                index._upperLinkBytes += (upper.Length * sizeof(int)) + (3L * IntPtr.Size);
            }
        }

        if (_raw is not null)
        {
            VectorIndexSnapshot.EnsureRemaining(reader, (4L * idLimit * _dimensions) + sizeof(ulong), "the raw vectors");
            for (int id = 0; id < idLimit; id++)
            {
                reader.Read<float>(_raw.Vector(id), "the raw vectors");
            }
        }

        reader.VerifyChecksum();
        VectorIndexSnapshot.ValidateStates(index._states.AsSpan(0, idLimit), header.Count);
        index.ValidateGraph(idLimit, header.EntryPoint, header.TopLevel);
        index._idLimit = idLimit;
        index._count = header.Count;
        index._entry = PackEntry(header.EntryPoint, header.TopLevel);
    }

    private void ValidateGraph(int idLimit, int entryPoint, int topLevel)
    {
        int highest = -1;
        for (int id = 0; id < idLimit; id++)
        {
            if (_states[id] == NodeState.Absent)
            {
                if (_links0[id * _linkStride0] != 0)
                {
                    throw new InvalidDataException($"The index snapshot links id {id}, which was never added.");
                }

                continue;
            }

            int level = _levels[id];
            highest = Math.Max(highest, level);
            for (int l = 0; l <= level; l++)
            {
                ValidateList(id, l, idLimit);
            }
        }

        bool valid = highest < 0
            ? entryPoint == -1 && topLevel == -1
            : (uint)entryPoint < (uint)idLimit && _states[entryPoint] != NodeState.Absent && _levels[entryPoint] == topLevel && topLevel == highest;
        if (!valid)
        {
            throw new InvalidDataException($"The index snapshot has an invalid entry point {entryPoint} at top level {topLevel}.");
        }
    }

    private void ValidateList(int id, int level, int idLimit)
    {
        int maxDegree = level == 0 ? _m0 : _m;
        ReadOnlySpan<int> list = level == 0
            ? _links0.AsSpan(id * _linkStride0, _linkStride0)
            : _upperLinks[id].AsSpan((level - 1) * _linkStrideUpper, _linkStrideUpper);
        int count = list[0];
        if ((uint)count > (uint)maxDegree)
        {
            throw new InvalidDataException($"The index snapshot has {count} links for id {id} at level {level} (at most {maxDegree}).");
        }

        for (int i = 1; i <= count; i++)
        {
            int neighbor = list[i];
            if ((uint)neighbor >= (uint)idLimit || _states[neighbor] == NodeState.Absent || _levels[neighbor] < level)
            {
                throw new InvalidDataException($"The index snapshot links id {id} at level {level} to id {neighbor}, which is not a node at that level.");
            }
        }
    }
}
