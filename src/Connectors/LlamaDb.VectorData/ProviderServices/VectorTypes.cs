using System.Collections;
using Microsoft.Extensions.AI;

namespace LlamaDb.VectorData.ProviderServices;

/// <summary>The .NET types that hold vectors, and conversions between them.</summary>
public static class VectorTypes
{
    /// <summary>Whether <paramref name="type"/> holds a vector (rather than an input to embed).</summary>
    public static bool IsVectorType(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        Type t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(ReadOnlyMemory<float>) || t == typeof(float[]) || t == typeof(Embedding<float>) || IsBinaryType(t);
    }

    /// <summary>Whether <paramref name="type"/> holds a binary vector.</summary>
    public static bool IsBinaryType(Type type) => type == typeof(BitArray) || type == typeof(BinaryEmbedding);

    /// <summary>Reads a float vector from a property value, or null for null.</summary>
    public static ReadOnlyMemory<float>? ToFloats(object? value) => value switch
    {
        // Typed as nullable on purpose: a bare null arm would convert through float[] to an empty (non-null) memory.
        null => (ReadOnlyMemory<float>?)null,
        ReadOnlyMemory<float> memory => memory,
        float[] array => new ReadOnlyMemory<float>(array),
        Embedding<float> embedding => embedding.Vector,
        Memory<float> memory => (ReadOnlyMemory<float>)memory,
        _ => throw new ArgumentException($"A value of type {value.GetType().Name} is not a float vector."),
    };

    /// <summary>Reads a binary vector from a property value, or null for null.</summary>
    public static BitArray? ToBits(object? value) => value switch
    {
        null => null,
        BitArray bits => bits,
        BinaryEmbedding embedding => embedding.Vector,
        _ => throw new ArgumentException($"A value of type {value.GetType().Name} is not a binary vector."),
    };

    /// <summary>Converts a float vector to the property's type.</summary>
    public static object? FromFloats(ReadOnlyMemory<float> vector, Type type)
    {
        Type t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(ReadOnlyMemory<float>))
        {
            return vector;
        }

        if (t == typeof(float[]))
        {
            return vector.ToArray();
        }

        if (t == typeof(Embedding<float>))
        {
            return new Embedding<float>(vector.ToArray());
        }

        return null;
    }

    /// <summary>Converts a binary vector to the property's type.</summary>
    public static object? FromBits(BitArray bits, Type type) =>
        type == typeof(BitArray) ? bits : type == typeof(BinaryEmbedding) ? new BinaryEmbedding(bits) : null;
}
