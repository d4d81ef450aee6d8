using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>The squared L2 distance.</summary>
internal readonly struct SquaredEuclideanDistance : IVectorDistance
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 and its instrumentation, which short runs would otherwise spend most of their time in
    public static float Distance(ref float a, ref float b, int stride)
    {
        nuint n = (nuint)stride;
        nuint i = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<float>.Count)
        {
            Vector512<float> acc0 = Vector512<float>.Zero;
            Vector512<float> acc1 = Vector512<float>.Zero;
            for (; i + 32 <= n; i += 32)
            {
                Vector512<float> d0 = Vector512.LoadUnsafe(ref a, i) - Vector512.LoadUnsafe(ref b, i);
                Vector512<float> d1 = Vector512.LoadUnsafe(ref a, i + 16) - Vector512.LoadUnsafe(ref b, i + 16);
                acc0 = Vector512.FusedMultiplyAdd(d0, d0, acc0);
                acc1 = Vector512.FusedMultiplyAdd(d1, d1, acc1);
            }

            if (i + 16 <= n)
            {
                Vector512<float> d0 = Vector512.LoadUnsafe(ref a, i) - Vector512.LoadUnsafe(ref b, i);
                acc0 = Vector512.FusedMultiplyAdd(d0, d0, acc0);
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
                Vector256<float> d0 = Vector256.LoadUnsafe(ref a, i) - Vector256.LoadUnsafe(ref b, i);
                Vector256<float> d1 = Vector256.LoadUnsafe(ref a, i + 8) - Vector256.LoadUnsafe(ref b, i + 8);
                acc0 = DotProductDistance.MultiplyAdd(d0, d0, acc0);
                acc1 = DotProductDistance.MultiplyAdd(d1, d1, acc1);
            }

            if (i + 8 <= n)
            {
                Vector256<float> d0 = Vector256.LoadUnsafe(ref a, i) - Vector256.LoadUnsafe(ref b, i);
                acc0 = DotProductDistance.MultiplyAdd(d0, d0, acc0);
                i += 8;
            }

            sum = Vector256.Sum(acc0 + acc1);
        }

        for (; i < n; i++)
        {
            float d = Unsafe.Add(ref a, i) - Unsafe.Add(ref b, i);
            sum += d * d;
        }

        return sum;
    }
}
