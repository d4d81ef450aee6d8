using System.Numerics;
using System.Runtime.CompilerServices;

namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>
/// The number of differing bits between two bit-packed vectors. The stored vector is a run of <see cref="ulong"/>
/// words kept in the index's float storage (two floats per word; see <see cref="VectorCodec"/>).
/// </summary>
internal readonly struct HammingDistance : IVectorDistance
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 and its instrumentation, which short runs would otherwise spend most of their time in
    public static float Distance(ref float a, ref float b, int stride)
    {
        ref ulong x = ref Unsafe.As<float, ulong>(ref a);
        ref ulong y = ref Unsafe.As<float, ulong>(ref b);
        nuint words = (nuint)(stride >> 1);
        nuint i = 0;
        int bits = 0;
        for (; i + 4 <= words; i += 4)
        {
            bits += BitOperations.PopCount(Unsafe.Add(ref x, i) ^ Unsafe.Add(ref y, i))
                + BitOperations.PopCount(Unsafe.Add(ref x, i + 1) ^ Unsafe.Add(ref y, i + 1))
                + BitOperations.PopCount(Unsafe.Add(ref x, i + 2) ^ Unsafe.Add(ref y, i + 2))
                + BitOperations.PopCount(Unsafe.Add(ref x, i + 3) ^ Unsafe.Add(ref y, i + 3));
        }

        for (; i < words; i++)
        {
            bits += BitOperations.PopCount(Unsafe.Add(ref x, i) ^ Unsafe.Add(ref y, i));
        }

        return bits;
    }
}
