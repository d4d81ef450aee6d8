using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders;

/// <summary>
/// The bytes of a cached embedding. <see cref="Embedding{T}"/> of <see cref="float"/> is stored compactly:
/// <code>
/// "LDBE" | version:u8 = 1 | kind:u8 (1 = float32 vector, 2 = JSON) | flags:u16 (1 = created-at present)
/// dimensions:i32 | createdAtUtcTicks:i64 | offsetMinutes:i16
/// modelIdLength:i32 (-1 = null) | modelId UTF-8 | additionalPropertiesLength:i32 (-1 = null) | additional properties JSON
/// dimensions x float32
/// </code>
/// all little endian. Other embedding types are stored as kind 2: the header's first eight bytes, then JSON.
/// Anything that does not parse exactly reads as a miss.
/// </summary>
internal static class EmbeddingCacheSerializer
{
    private const byte Version = 1;
    private const byte KindFloat32 = 1;
    private const byte KindJson = 2;
    private const ushort FlagCreatedAt = 1;
    private const int FixedHeaderLength = 8;
    private const int Float32HeaderLength = FixedHeaderLength + 4 + 8 + 2;

    private static ReadOnlySpan<byte> Magic => "LDBE"u8;

    public static byte[] Serialize<TEmbedding>(TEmbedding embedding, JsonSerializerOptions jsonOptions)
        where TEmbedding : Embedding
    {
        if (embedding is Embedding<float> floats)
        {
            return SerializeFloat32(floats, jsonOptions);
        }

        byte[] json = JsonSerializer.SerializeToUtf8Bytes(embedding, typeof(TEmbedding), jsonOptions);
        var bytes = new byte[FixedHeaderLength + json.Length];
        WriteFixedHeader(bytes, KindJson, 0);
        json.CopyTo(bytes.AsSpan(FixedHeaderLength));
        return bytes;
    }

    public static TEmbedding? Deserialize<TEmbedding>(ReadOnlySpan<byte> bytes, JsonSerializerOptions jsonOptions)
        where TEmbedding : Embedding
    {
        if (bytes.Length < FixedHeaderLength || !bytes[..4].SequenceEqual(Magic) || bytes[4] != Version)
        {
            return null;
        }

        switch (bytes[5])
        {
            case KindFloat32 when typeof(TEmbedding).IsAssignableFrom(typeof(Embedding<float>)):
                return DeserializeFloat32(bytes, jsonOptions) as TEmbedding;
            case KindJson:
                try
                {
                    return JsonSerializer.Deserialize(bytes[FixedHeaderLength..], typeof(TEmbedding), jsonOptions) as TEmbedding;
                }
                catch (JsonException)
                {
                    return null;
                }

            default:
                return null;
        }
    }

    private static byte[] SerializeFloat32(Embedding<float> embedding, JsonSerializerOptions jsonOptions)
    {
        ReadOnlySpan<float> vector = embedding.Vector.Span;
        byte[]? modelId = embedding.ModelId is null ? null : Encoding.UTF8.GetBytes(embedding.ModelId);
        byte[]? properties = embedding.AdditionalProperties is null
            ? null
            : JsonSerializer.SerializeToUtf8Bytes(embedding.AdditionalProperties, typeof(AdditionalPropertiesDictionary), jsonOptions);
        int length = Float32HeaderLength + 4 + (modelId?.Length ?? 0) + 4 + (properties?.Length ?? 0) + (vector.Length * sizeof(float));
        var bytes = new byte[length];
        Span<byte> span = bytes;
        WriteFixedHeader(span, KindFloat32, embedding.CreatedAt is null ? (ushort)0 : FlagCreatedAt);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], vector.Length);
        BinaryPrimitives.WriteInt64LittleEndian(span[12..], embedding.CreatedAt?.UtcTicks ?? 0);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], (short)(embedding.CreatedAt?.Offset.TotalMinutes ?? 0));
        int position = Float32HeaderLength;
        position = WriteBlock(span, position, modelId);
        position = WriteBlock(span, position, properties);
        Span<byte> payload = span[position..];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(vector).CopyTo(payload);
        }
        else
        {
            for (int i = 0; i < vector.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(payload[(i * sizeof(float))..], vector[i]);
            }
        }

        return bytes;
    }

    private static Embedding<float>? DeserializeFloat32(ReadOnlySpan<byte> bytes, JsonSerializerOptions jsonOptions)
    {
        if (bytes.Length < Float32HeaderLength)
        {
            return null;
        }

        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(bytes[6..]);
        int dimensions = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        long ticks = BinaryPrimitives.ReadInt64LittleEndian(bytes[12..]);
        short offsetMinutes = BinaryPrimitives.ReadInt16LittleEndian(bytes[20..]);
        int position = Float32HeaderLength;
        if (dimensions < 0
            || !TryReadBlock(bytes, ref position, out ReadOnlySpan<byte> modelId, out bool hasModelId)
            || !TryReadBlock(bytes, ref position, out ReadOnlySpan<byte> properties, out bool hasProperties)
            || (long)bytes.Length - position != (long)dimensions * sizeof(float))
        {
            return null;
        }

        var vector = new float[dimensions];
        ReadOnlySpan<byte> payload = bytes[position..];
        if (BitConverter.IsLittleEndian)
        {
            payload.CopyTo(MemoryMarshal.AsBytes(vector.AsSpan()));
        }
        else
        {
            for (int i = 0; i < vector.Length; i++)
            {
                vector[i] = BinaryPrimitives.ReadSingleLittleEndian(payload[(i * sizeof(float))..]);
            }
        }

        var embedding = new Embedding<float>(vector) { ModelId = hasModelId ? Encoding.UTF8.GetString(modelId) : null };
        if ((flags & FlagCreatedAt) != 0)
        {
            try
            {
                var offset = TimeSpan.FromMinutes(offsetMinutes);
                embedding.CreatedAt = new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(offset);
            }
            catch (ArgumentException)
            {
                return null;
            }
        }

        if (hasProperties)
        {
            try
            {
                embedding.AdditionalProperties = JsonSerializer.Deserialize(properties, typeof(AdditionalPropertiesDictionary), jsonOptions) as AdditionalPropertiesDictionary;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return embedding;
    }

    private static void WriteFixedHeader(Span<byte> span, byte kind, ushort flags)
    {
        Magic.CopyTo(span);
        span[4] = Version;
        span[5] = kind;
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], flags);
    }

    private static int WriteBlock(Span<byte> span, int position, byte[]? block)
    {
        BinaryPrimitives.WriteInt32LittleEndian(span[position..], block?.Length ?? -1);
        position += 4;
        if (block is not null)
        {
            block.CopyTo(span[position..]);
            position += block.Length;
        }

        return position;
    }

    private static bool TryReadBlock(ReadOnlySpan<byte> bytes, ref int position, out ReadOnlySpan<byte> block, out bool present)
    {
        block = default;
        present = false;
        if (bytes.Length - position < 4)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(bytes[position..]);
        position += 4;
        if (length == -1)
        {
            return true;
        }

        if (length < 0 || length > bytes.Length - position)
        {
            return false;
        }

        block = bytes.Slice(position, length);
        position += length;
        present = true;
        return true;
    }
}
