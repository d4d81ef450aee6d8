using System.Buffers;
using System.Runtime.InteropServices;

namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>Exact float distances for a quantized index, from its <see cref="RawVectorFile"/>.</summary>
internal static class Rescoring
{
    /// <summary>The number of code-space candidates a quantized search asks for before rescoring.</summary>
    public static int CandidateCount(int k, int oversampling) => (int)Math.Min(int.MaxValue / 2, (long)k * oversampling);

    /// <summary>The exact distance of <paramref name="query"/> to the raw vector of <paramref name="id"/>.</summary>
    public static float Distance(RawVectorFile raw, VectorMetric metric, ref float query, int id, int dimensions) => metric == VectorMetric.Euclidean
        ? SquaredEuclideanDistance.Distance(ref query, ref raw.At(id), dimensions)
        : DotProductDistance.Distance(ref query, ref raw.At(id), dimensions);

    /// <summary>
    /// Replaces the code-space distances of <paramref name="candidates"/> with exact ones, sorts them (distance, then id)
    /// and copies the best <paramref name="k"/> to <paramref name="results"/>. Returns how many it wrote.
    /// </summary>
    public static int Rescore(RawVectorFile raw, VectorMetric metric, ReadOnlySpan<float> query, Span<VectorMatch> candidates, int k, Span<VectorMatch> results)
    {
        ref float q = ref MemoryMarshal.GetReference(query);
        for (int i = 0; i < candidates.Length; i++)
        {
            int id = candidates[i].Id;
            candidates[i] = new VectorMatch(id, Distance(raw, metric, ref q, id, query.Length));
        }

        candidates.Sort(static (a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : a.Id.CompareTo(b.Id));
        int count = Math.Min(k, candidates.Length);
        candidates[..count].CopyTo(results);
        return count;
    }

    /// <summary>Exact top-k over the live ids among <paramref name="candidateIds"/>, with the raw vectors.</summary>
    public static int SearchCandidates(RawVectorFile raw, VectorMetric metric, byte[] states, ReadOnlySpan<float> query, int k, ReadOnlySpan<int> candidateIds, Span<VectorMatch> results)
    {
        VectorMatch[] rented = ArrayPool<VectorMatch>.Shared.Rent(Math.Max(candidateIds.Length, 1));
        try
        {
            int live = 0;
            foreach (int id in candidateIds)
            {
                if ((uint)id < (uint)states.Length && Volatile.Read(ref states[id]) == NodeState.Live)
                {
                    rented[live++] = new VectorMatch(id, 0f);
                }
            }

            return Rescore(raw, metric, query, rented.AsSpan(0, live), k, results);
        }
        finally
        {
            ArrayPool<VectorMatch>.Shared.Return(rented);
        }
    }
}
