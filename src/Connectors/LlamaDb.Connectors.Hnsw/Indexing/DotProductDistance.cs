using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary><c>1 - dot(a, b)</c> (hnswlib's inner-product space).</summary>
internal readonly struct DotProductDistance : IVectorDistance
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Distance(ref float a, ref float b, int stride) => 1f - Dot(ref a, ref b, stride);

    /// <summary>The inner product of two vectors of <paramref name="length"/> floats, without bounds checks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 and its instrumentation, which short runs would otherwise spend most of their time in
    public static float Dot(ref float a, ref float b, int length)
    {
        nuint n = (nuint)length;
        nuint i = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<float>.Count)
        {
            Vector512<float> acc0 = Vector512<float>.Zero;
            Vector512<float> acc1 = Vector512<float>.Zero;
            for (; i + 32 <= n; i += 32)
            {
                acc0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref a, i), Vector512.LoadUnsafe(ref b, i), acc0);
                acc1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref a, i + 16), Vector512.LoadUnsafe(ref b, i + 16), acc1);
            }

            if (i + 16 <= n)
            {
                acc0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref a, i), Vector512.LoadUnsafe(ref b, i), acc0);
                i += 16;
            }

            sum = Vector512.Sum(acc0 + acc1);
        }
        else if (Vector256.IsHardwareAccelerated && n >= (nuint)Vector256<float>.Count)
        {
            Vector256<float> acc0 = Vector256<float>.Zero;
            Vector256<float> acc1 = Vector256<float>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                acc0 = MultiplyAdd(Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref b, i), acc0);
                acc1 = MultiplyAdd(Vector256.LoadUnsafe(ref a, i + 8), Vector256.LoadUnsafe(ref b, i + 8), acc1);
            }

            if (i + 8 <= n)
            {
                acc0 = MultiplyAdd(Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref b, i), acc0);
                i += 8;
            }

            sum = Vector256.Sum(acc0 + acc1);
        }

        for (; i < n; i++)
        {
            sum += Unsafe.Add(ref a, i) * Unsafe.Add(ref b, i);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> MultiplyAdd(Vector256<float> x, Vector256<float> y, Vector256<float> acc) =>
        Fma.IsSupported ? Fma.MultiplyAdd(x, y, acc) : acc + (x * y);
}
