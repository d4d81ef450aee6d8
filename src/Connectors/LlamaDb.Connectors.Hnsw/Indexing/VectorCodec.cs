using System.Runtime.InteropServices;

namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>
/// How input vectors map to stored ones. Float metrics store the components as given (stride = dimensions).
/// Hamming packs one bit per dimension (component &gt; 0 ⇒ 1), 64 to a <see cref="ulong"/>, and keeps the words in
/// the same float storage: stride = 2 floats per word. The bits are only ever copied or reinterpreted, never
/// loaded as floats, so no NaN payload is altered.
/// </summary>
internal static class VectorCodec
{
    /// <summary>Queries up to this many storage floats are encoded on the stack; larger ones use ArrayPool.</summary>
    public const int StackallocThreshold = 1024;

    /// <summary>Storage floats per vector.</summary>
    public static int Stride(VectorMetric metric, int dimensions) => Stride(CodeSpaces.For(metric, VectorQuantization.None), dimensions);

    /// <summary>Storage floats per vector in <paramref name="space"/>.</summary>
    public static int Stride(CodeSpace space, int dimensions) => space switch
    {
        CodeSpace.Bits => ((dimensions + 63) >> 6) * 2,
        CodeSpace.Int8Dot or CodeSpace.Int8Euclidean => Int8Code.Stride(dimensions),
        _ => dimensions,
    };

    /// <summary>Writes the stored form of <paramref name="vector"/> in <paramref name="space"/> (stride floats).</summary>
    public static void Encode(CodeSpace space, ReadOnlySpan<float> vector, Span<float> destination)
    {
        switch (space)
        {
            case CodeSpace.Bits:
                Encode(VectorMetric.Hamming, vector, destination);
                break;
            case CodeSpace.Int8Dot or CodeSpace.Int8Euclidean:
                Int8Code.Encode(vector, destination);
                break;
            default:
                vector.CopyTo(destination);
                break;
        }
    }

    /// <summary>Writes the stored form of <paramref name="vector"/> into <paramref name="destination"/> (stride floats).</summary>
    public static void Encode(VectorMetric metric, ReadOnlySpan<float> vector, Span<float> destination)
    {
        if (metric != VectorMetric.Hamming)
        {
            vector.CopyTo(destination);
            return;
        }

        Span<ulong> words = MemoryMarshal.Cast<float, ulong>(destination);
        words.Clear();
        for (int i = 0; i < vector.Length; i++)
        {
            if (vector[i] > 0f)
            {
                words[i >> 6] |= 1UL << (i & 63);
            }
        }
    }

    /// <summary>Writes the components of a stored vector into <paramref name="destination"/> (dimensions floats).</summary>
    public static void Decode(VectorMetric metric, ReadOnlySpan<float> stored, Span<float> destination)
    {
        if (metric != VectorMetric.Hamming)
        {
            stored[..destination.Length].CopyTo(destination);
            return;
        }

        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<float, ulong>(stored);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (words[i >> 6] >> (i & 63)) & 1UL;
        }
    }

    /// <summary>Distance between two stored vectors, dispatched on the metric (for cold paths).</summary>
    public static float Distance(VectorMetric metric, ref float a, ref float b, int stride) => metric switch
    {
        VectorMetric.DotProduct => DotProductDistance.Distance(ref a, ref b, stride),
        VectorMetric.Euclidean => SquaredEuclideanDistance.Distance(ref a, ref b, stride),
        _ => HammingDistance.Distance(ref a, ref b, stride),
    };

    /// <summary>Distance between two stored vectors of <paramref name="space"/> (for cold paths).</summary>
    public static float Distance(CodeSpace space, ref float a, ref float b, int stride) => space switch
    {
        CodeSpace.FloatDot => DotProductDistance.Distance(ref a, ref b, stride),
        CodeSpace.FloatEuclidean => SquaredEuclideanDistance.Distance(ref a, ref b, stride),
        CodeSpace.Int8Dot => Int8DotDistance.Distance(ref a, ref b, stride),
        CodeSpace.Int8Euclidean => Int8EuclideanDistance.Distance(ref a, ref b, stride),
        _ => HammingDistance.Distance(ref a, ref b, stride),
    };

    /// <summary>Allocates zeroed storage on the pinned object heap, so hot loops may take raw pointers for prefetching.</summary>
    public static T[] AllocatePinned<T>(long length)
    {
        if (length > Array.MaxLength)
        {
            throw new InvalidOperationException($"The index would need {length} elements in one array, more than {Array.MaxLength}.");
        }

        return GC.AllocateArray<T>((int)length, pinned: true);
    }
}
