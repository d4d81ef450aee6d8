namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>
/// The binary snapshot format shared by both index kinds (little-endian; ids are the caller's ids):
/// <code>
/// magic "LLDBVIDX" | int32 format version (2) | int32 kind | int32 metric | int32 dimensions | int32 M
/// | int32 efConstruction | int32 efSearch | int64 level seed | int32 id limit | int32 live count
/// | int32 entry point | int32 top level | version 2: int32 quantization | int32 oversampling
/// | byte state[id limit] | float vectors[id limit × stride] (stored form: floats, packed bits or int8 codes)
/// | HNSW only: int32 level[id limit] | int32 level-0 lists[id limit × (2M + 1)]
/// |            for each present id with level L &gt; 0: int32 upper lists[L × (M + 1)]
/// | quantized only: float raw vectors[id limit × dimensions]
/// | uint64 checksum of everything before it
/// </code>
/// A list is a count followed by that many ids, padded to the fixed width. Reading validates every field, the
/// checksum and the graph (counts, id ranges, levels) and throws <see cref="InvalidDataException"/> naming what is wrong.
/// Version 1 snapshots (no quantization fields) are still read.
/// </summary>
internal static class VectorIndexSnapshot
{
    /// <summary>The current format version.</summary>
    public const int FormatVersion = 2;

    /// <summary>The 8 magic bytes.</summary>
    public static ReadOnlySpan<byte> Magic => "LLDBVIDX"u8;

    /// <summary>Writes the magic, version and header.</summary>
    public static void WriteHeader(SnapshotWriter writer, in SnapshotHeader header)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Index snapshots are written on little-endian platforms only.");
        }

        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write((int)header.Kind);
        writer.Write((int)header.Metric);
        writer.Write(header.Dimensions);
        writer.Write(header.M);
        writer.Write(header.EfConstruction);
        writer.Write(header.EfSearch);
        writer.Write(header.LevelSeed);
        writer.Write(header.IdLimit);
        writer.Write(header.Count);
        writer.Write(header.EntryPoint);
        writer.Write(header.TopLevel);
        writer.Write((int)header.Quantization);
        writer.Write(header.Oversampling);
    }

    /// <summary>Reads a snapshot of either kind.</summary>
    public static IVectorIndex Read(Stream stream, string? rawVectorDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Index snapshots are read on little-endian platforms only.");
        }

        if (!stream.CanSeek)
        {
            // Array sizes are checked against the stream length before allocating; buffer a stream that cannot tell it.
            var buffered = new MemoryStream();
            stream.CopyTo(buffered);
            buffered.Position = 0;
            stream = buffered;
        }

        var reader = new SnapshotReader(stream);
        SnapshotHeader header = ReadHeader(reader);
        return header.Kind == VectorIndexKind.Hnsw ? HnswIndex.ReadBody(reader, header, rawVectorDirectory) : FlatIndex.ReadBody(reader, header, rawVectorDirectory);
    }

    private static SnapshotHeader ReadHeader(SnapshotReader reader)
    {
        Span<byte> magic = stackalloc byte[8];
        reader.Read(magic, "the magic bytes");
        if (!magic.SequenceEqual(Magic))
        {
            throw new InvalidDataException("The stream is not a LlamaDb vector index snapshot (bad magic bytes).");
        }

        int version = reader.ReadInt32("the format version");
        if (version is not (1 or FormatVersion))
        {
            throw new InvalidDataException($"The index snapshot has format version {version}; this build reads versions 1 to {FormatVersion}.");
        }

        var kind = (VectorIndexKind)reader.ReadInt32("the index kind");
        if (!Enum.IsDefined(kind))
        {
            throw new InvalidDataException($"The index snapshot has an unknown index kind {(int)kind}.");
        }

        var metric = (VectorMetric)reader.ReadInt32("the metric");
        if (!Enum.IsDefined(metric))
        {
            throw new InvalidDataException($"The index snapshot has an unknown metric {(int)metric}.");
        }

        SnapshotHeader header = new(
            kind,
            metric,
            reader.ReadInt32("the dimensions"),
            reader.ReadInt32("M"),
            reader.ReadInt32("efConstruction"),
            reader.ReadInt32("efSearch"),
            reader.ReadInt64("the level seed"),
            reader.ReadInt32("the id limit"),
            reader.ReadInt32("the live count"),
            reader.ReadInt32("the entry point"),
            reader.ReadInt32("the top level"));
        if (version >= 2)
        {
            var quantization = (VectorQuantization)reader.ReadInt32("the quantization");
            if (!Enum.IsDefined(quantization))
            {
                throw new InvalidDataException($"The index snapshot has an unknown quantization {(int)quantization}.");
            }

            header = header with { Quantization = quantization, Oversampling = reader.ReadInt32("the oversampling") };
        }

        _ = header.ToOptions(); // validates the parameters
        if (header.IdLimit < 0 || header.Count < 0 || header.Count > header.IdLimit)
        {
            throw new InvalidDataException($"The index snapshot has an invalid id limit {header.IdLimit} or live count {header.Count}.");
        }

        return header;
    }

    /// <summary>Throws when fewer than <paramref name="needed"/> bytes remain for the body.</summary>
    public static void EnsureRemaining(SnapshotReader reader, long needed, string what)
    {
        if (reader.Remaining is { } remaining && remaining < needed)
        {
            throw new InvalidDataException($"The index snapshot is truncated: {what} needs {needed} bytes, {remaining} remain.");
        }
    }

    /// <summary>Checks the state bytes and the live count.</summary>
    public static void ValidateStates(ReadOnlySpan<byte> states, int expectedCount)
    {
        int live = 0;
        for (int id = 0; id < states.Length; id++)
        {
            byte state = states[id];
            if (state > NodeState.Removed)
            {
                throw new InvalidDataException($"The index snapshot has an invalid state {state} for id {id}.");
            }

            live += state == NodeState.Live ? 1 : 0;
        }

        if (live != expectedCount)
        {
            throw new InvalidDataException($"The index snapshot says {expectedCount} live ids but holds {live}.");
        }
    }
}
