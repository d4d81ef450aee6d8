using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>Exact search over a contiguous vector block with a bounded max-heap of k (shared by both index kinds).</summary>
internal static class BruteForce
{
    [ThreadStatic]
    private static DistanceHeap? s_heap;

    /// <summary>Exact top-k over the live ids in <paramref name="candidateIds"/> (others are skipped).</summary>
    [SkipLocalsInit]
    public static int SearchCandidates(CodeSpace space, float[] vectors, byte[] states, int stride, ReadOnlySpan<float> query, int k, ReadOnlySpan<int> candidateIds, Span<VectorMatch> results)
    {
        float[]? rented = null;
        Span<float> encoded = stride <= VectorCodec.StackallocThreshold ? stackalloc float[stride] : (rented = ArrayPool<float>.Shared.Rent(stride));
        try
        {
            encoded = encoded[..stride];
            VectorCodec.Encode(space, query, encoded);
            ref float q = ref MemoryMarshal.GetReference(encoded);
            return space switch
            {
                CodeSpace.FloatDot => Candidates<DotProductDistance>(vectors, states, stride, ref q, k, candidateIds, results),
                CodeSpace.Int8Dot => Candidates<Int8DotDistance>(vectors, states, stride, ref q, k, candidateIds, results),
                CodeSpace.Int8Euclidean => Candidates<Int8EuclideanDistance>(vectors, states, stride, ref q, k, candidateIds, results),
                CodeSpace.FloatEuclidean => Candidates<SquaredEuclideanDistance>(vectors, states, stride, ref q, k, candidateIds, results),
                _ => Candidates<HammingDistance>(vectors, states, stride, ref q, k, candidateIds, results),
            };
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Exact top-k over every live id below <paramref name="idLimit"/> the filter accepts.</summary>
    [SkipLocalsInit]
    public static int SearchAll(CodeSpace space, float[] vectors, byte[] states, int stride, int idLimit, ReadOnlySpan<float> query, int k, IIdFilter? filter, Span<VectorMatch> results)
    {
        float[]? rented = null;
        Span<float> encoded = stride <= VectorCodec.StackallocThreshold ? stackalloc float[stride] : (rented = ArrayPool<float>.Shared.Rent(stride));
        try
        {
            encoded = encoded[..stride];
            VectorCodec.Encode(space, query, encoded);
            ref float q = ref MemoryMarshal.GetReference(encoded);
            if (filter is null)
            {
                return space switch
                {
                    CodeSpace.FloatDot => All<DotProductDistance, LiveNodeFilter>(vectors, states, stride, idLimit, ref q, k, default, results),
                    CodeSpace.Int8Dot => All<Int8DotDistance, LiveNodeFilter>(vectors, states, stride, idLimit, ref q, k, default, results),
                    CodeSpace.Int8Euclidean => All<Int8EuclideanDistance, LiveNodeFilter>(vectors, states, stride, idLimit, ref q, k, default, results),
                    CodeSpace.FloatEuclidean => All<SquaredEuclideanDistance, LiveNodeFilter>(vectors, states, stride, idLimit, ref q, k, default, results),
                    _ => All<HammingDistance, LiveNodeFilter>(vectors, states, stride, idLimit, ref q, k, default, results),
                };
            }

            var callerFilter = new CallerNodeFilter(filter);
            return space switch
            {
                CodeSpace.FloatDot => All<DotProductDistance, CallerNodeFilter>(vectors, states, stride, idLimit, ref q, k, callerFilter, results),
                CodeSpace.Int8Dot => All<Int8DotDistance, CallerNodeFilter>(vectors, states, stride, idLimit, ref q, k, callerFilter, results),
                CodeSpace.Int8Euclidean => All<Int8EuclideanDistance, CallerNodeFilter>(vectors, states, stride, idLimit, ref q, k, callerFilter, results),
                CodeSpace.FloatEuclidean => All<SquaredEuclideanDistance, CallerNodeFilter>(vectors, states, stride, idLimit, ref q, k, callerFilter, results),
                _ => All<HammingDistance, CallerNodeFilter>(vectors, states, stride, idLimit, ref q, k, callerFilter, results),
            };
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 and its instrumentation, which short runs would otherwise spend most of their time in
    private static int Candidates<TDistance>(float[] vectors, byte[] states, int stride, ref float query, int k, ReadOnlySpan<int> candidateIds, Span<VectorMatch> results)
        where TDistance : struct, IVectorDistance
    {
        DistanceHeap heap = RentHeap(k);
        ref float vectorRef = ref MemoryMarshal.GetArrayDataReference(vectors);
        int limit = states.Length;
        for (int i = 0; i < candidateIds.Length; i++)
        {
            int id = candidateIds[i];
            if ((uint)id >= (uint)limit || Volatile.Read(ref states[id]) != NodeState.Live)
            {
                continue;
            }

            Offer(heap, k, TDistance.Distance(ref query, ref Unsafe.Add(ref vectorRef, (nint)id * stride), stride), id);
        }

        return Drain(heap, results);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 and its instrumentation, which short runs would otherwise spend most of their time in
    private static int All<TDistance, TFilter>(float[] vectors, byte[] states, int stride, int idLimit, ref float query, int k, TFilter filter, Span<VectorMatch> results)
        where TDistance : struct, IVectorDistance
        where TFilter : struct, INodeFilter
    {
        DistanceHeap heap = RentHeap(k);
        ref float vectorRef = ref MemoryMarshal.GetArrayDataReference(vectors);
        ref byte stateRef = ref MemoryMarshal.GetArrayDataReference(states);
        int limit = Math.Min(idLimit, states.Length);
        for (int id = 0; id < limit; id++)
        {
            if (!filter.Accept(id, Unsafe.Add(ref stateRef, id)))
            {
                continue;
            }

            Offer(heap, k, TDistance.Distance(ref query, ref Unsafe.Add(ref vectorRef, (nint)id * stride), stride), id);
        }

        return Drain(heap, results);
    }

    private static DistanceHeap RentHeap(int k)
    {
        DistanceHeap heap = s_heap ??= new DistanceHeap(k + 1);
        heap.Clear();
        return heap;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Offer(DistanceHeap heap, int k, float distance, int id)
    {
        if (heap.Count < k)
        {
            heap.Push(distance, id);
        }
        else if (distance < heap.TopDistance)
        {
            heap.Pop();
            heap.Push(distance, id);
        }
    }

    private static int Drain(DistanceHeap heap, Span<VectorMatch> results)
    {
        int count = heap.Count;
        for (int i = count - 1; i >= 0; i--)
        {
            results[i] = new VectorMatch(heap.TopId, heap.TopDistance);
            heap.Pop();
        }

        return count;
    }
}
