namespace LlamaDb.Connectors.Hnsw.Engine;

/// <summary>The payload of write-ahead log entries: an operation byte, then the records or keys.</summary>
internal static class LogCodec
{
    public const byte UpsertOp = 1;
    public const byte DeleteOp = 2;

    public static byte[] EncodeUpsert(IReadOnlyList<EngineRecord> records)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, ValueCodec.Utf8, leaveOpen: true))
        {
            writer.Write(UpsertOp);
            writer.Write(records.Count);
            foreach (EngineRecord record in records)
            {
                WriteRecord(writer, record);
            }
        }

        return stream.ToArray();
    }

    public static byte[] EncodeDelete(IReadOnlyList<object> keys)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, ValueCodec.Utf8, leaveOpen: true))
        {
            writer.Write(DeleteOp);
            writer.Write(keys.Count);
            foreach (object key in keys)
            {
                ValueCodec.Write(writer, key);
            }
        }

        return stream.ToArray();
    }

    public static void WriteRecord(BinaryWriter writer, EngineRecord record)
    {
        ValueCodec.Write(writer, record.Key);
        writer.Write(record.Data.Length);
        foreach (object? value in record.Data)
        {
            ValueCodec.Write(writer, value);
        }

        writer.Write(record.Vectors.Length);
        foreach (float[]? vector in record.Vectors)
        {
            if (vector is null)
            {
                writer.Write(-1);
                continue;
            }

            writer.Write(vector.Length);
            writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()));
        }

        if (record.Norms is null)
        {
            writer.Write(-1);
        }
        else
        {
            writer.Write(record.Norms.Length);
            writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(record.Norms.AsSpan()));
        }
    }

    public static EngineRecord ReadRecord(BinaryReader reader)
    {
        object key = ValueCodec.Read(reader) ?? throw new InvalidDataException("A stored record has a null key.");
        int dataCount = ReadCount(reader);
        var data = new object?[dataCount];
        for (int i = 0; i < dataCount; i++)
        {
            data[i] = ValueCodec.Read(reader);
        }

        int vectorCount = ReadCount(reader);
        var vectors = new float[]?[vectorCount];
        for (int v = 0; v < vectorCount; v++)
        {
            int length = reader.ReadInt32();
            if (length == -1)
            {
                continue;
            }

            if (length < 0 || (long)length * 4 > reader.BaseStream.Length - reader.BaseStream.Position)
            {
                throw new InvalidDataException($"A stored vector claims {length} dimensions.");
            }

            var vector = new float[length];
            reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()));
            vectors[v] = vector;
        }

        float[]? norms = null;
        int normCount = reader.ReadInt32();
        if (normCount != -1)
        {
            if (normCount < 0 || (long)normCount * 4 > reader.BaseStream.Length - reader.BaseStream.Position)
            {
                throw new InvalidDataException($"A stored record claims {normCount} norms.");
            }

            norms = new float[normCount];
            reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(norms.AsSpan()));
        }

        return new EngineRecord(key, data, vectors, norms);
    }

    public static int ReadCount(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count < 0 || count > reader.BaseStream.Length)
        {
            throw new InvalidDataException($"A stored count is {count}.");
        }

        return count;
    }
}
