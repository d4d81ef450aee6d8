using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>
/// Int8 scalar codes in float storage (see <see cref="VectorCodec"/>): storage float 0 is the scale s (x ≈ s·q),
/// float 1 the squared norm of the dequantized vector, then the int8 codes, four to a float.
/// </summary>
internal static class Int8Code
{
    /// <summary>Storage floats ahead of the codes.</summary>
    public const int HeaderFloats = 2;

    /// <summary>Storage floats for <paramref name="dimensions"/> codes plus the header.</summary>
    public static int Stride(int dimensions) => HeaderFloats + ((dimensions + 3) >> 2);

    /// <summary>Quantizes <paramref name="vector"/>: scale = max |x| / 127, q = round(x / scale).</summary>
    public static void Encode(ReadOnlySpan<float> vector, Span<float> destination)
    {
        destination.Clear();
        float maxAbs = 0f;
        foreach (float x in vector)
        {
            maxAbs = Math.Max(maxAbs, Math.Abs(x));
        }

        Span<sbyte> codes = System.Runtime.InteropServices.MemoryMarshal.Cast<float, sbyte>(destination[HeaderFloats..]);
        if (maxAbs == 0f || !float.IsFinite(maxAbs))
        {
            return;
        }

        float scale = maxAbs / 127f;
        float inverse = 127f / maxAbs;
        long sumSquares = 0;
        for (int i = 0; i < vector.Length; i++)
        {
            int q = (int)MathF.Round(vector[i] * inverse);
            q = Math.Clamp(q, -127, 127);
            codes[i] = (sbyte)q;
            sumSquares += q * q;
        }

        destination[0] = scale;
        destination[1] = (float)(sumSquares * (double)scale * scale);
    }

    /// <summary>The integer dot product of the codes of two stored vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 and its instrumentation
    public static int Dot(ref float a, ref float b, int stride)
    {
        ref sbyte x = ref Unsafe.As<float, sbyte>(ref Unsafe.Add(ref a, HeaderFloats));
        ref sbyte y = ref Unsafe.As<float, sbyte>(ref Unsafe.Add(ref b, HeaderFloats));
        nuint n = (nuint)(stride - HeaderFloats) * 4; // padding codes are zero
        nuint i = 0;
        int sum = 0;
        if (Avx512BW.IsSupported && n >= 32)
        {
            Vector512<int> acc = Vector512<int>.Zero;
            for (; i + 32 <= n; i += 32)
            {
                Vector512<short> wx = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref x, i));
                Vector512<short> wy = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref y, i));
                acc += Avx512BW.MultiplyAddAdjacent(wx, wy);
            }

            sum = Vector512.Sum(acc);
        }
        else if (Avx2.IsSupported && n >= 16)
        {
            Vector256<int> acc = Vector256<int>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                Vector256<short> wx = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref x, i));
                Vector256<short> wy = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref y, i));
                acc += Avx2.MultiplyAddAdjacent(wx, wy);
            }

            sum = Vector256.Sum(acc);
        }

        for (; i < n; i++)
        {
            sum += Unsafe.Add(ref x, i) * Unsafe.Add(ref y, i);
        }

        return sum;
    }
}

/// <summary><c>1 - s_a·s_b·dot(q_a, q_b)</c>: the inner-product distance of the dequantized vectors.</summary>
internal readonly struct Int8DotDistance : IVectorDistance
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Distance(ref float a, ref float b, int stride) => 1f - (a * b * Int8Code.Dot(ref a, ref b, stride));
}

/// <summary><c>|a|² + |b|² - 2·s_a·s_b·dot(q_a, q_b)</c>: the squared L2 distance of the dequantized vectors.</summary>
internal readonly struct Int8EuclideanDistance : IVectorDistance
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Distance(ref float a, ref float b, int stride) =>
        Math.Max(0f, Unsafe.Add(ref a, 1) + Unsafe.Add(ref b, 1) - (2f * a * b * Int8Code.Dot(ref a, ref b, stride)));
}
