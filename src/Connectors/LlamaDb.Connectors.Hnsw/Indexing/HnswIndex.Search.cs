using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>Search: greedy descent through the upper levels, then <c>SearchLayer</c> at level 0 with ef candidates.</summary>
internal sealed partial class HnswIndex
{
    /// <inheritdoc />
    [SkipLocalsInit] // the query buffer is fully written by VectorCodec.Encode
    public int Search(ReadOnlySpan<float> query, int k, Span<VectorMatch> results, int? ef = null, IIdFilter? filter = null)
    {
        ValidateQuery(query, k, results.Length);
        if (ef is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ef), ef, "ef must be positive.");
        }

        if (_raw is not null)
        {
            return SearchQuantized(query, k, results, ef, filter);
        }

        int searchEf = Math.Max(ef ?? _efSearch, k);
        float[]? rented = null;
        Span<float> encoded = _stride <= VectorCodec.StackallocThreshold
            ? stackalloc float[_stride]
            : (rented = ArrayPool<float>.Shared.Rent(_stride));
        try
        {
            encoded = encoded[.._stride];
            VectorCodec.Encode(_space, query, encoded);
            ref float q = ref MemoryMarshal.GetReference(encoded);
            return _space switch
            {
                CodeSpace.FloatDot => SearchCore<DotProductDistance>(ref q, k, results, searchEf, filter),
                CodeSpace.FloatEuclidean => SearchCore<SquaredEuclideanDistance>(ref q, k, results, searchEf, filter),
                CodeSpace.Int8Dot => SearchCore<Int8DotDistance>(ref q, k, results, searchEf, filter),
                CodeSpace.Int8Euclidean => SearchCore<Int8EuclideanDistance>(ref q, k, results, searchEf, filter),
                _ => SearchCore<HammingDistance>(ref q, k, results, searchEf, filter),
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

    /// <inheritdoc />
    public int SearchExact(ReadOnlySpan<float> query, int k, ReadOnlySpan<int> candidateIds, Span<VectorMatch> results)
    {
        ValidateQuery(query, k, results.Length);
        _resizeLock.EnterReadLock();
        try
        {
            return _raw is not null
                ? Rescoring.SearchCandidates(_raw, _metric, _states, query, k, candidateIds, results)
                : BruteForce.SearchCandidates(_space, _vectors, _states, _stride, query, k, candidateIds, results);
        }
        finally
        {
            _resizeLock.ExitReadLock();
        }
    }

    /// <summary>
    /// A quantized search: the best k·oversampling ids by code distance (ef raised to at least that), then exact float
    /// distances from the raw vectors, best k returned. The read lock is held across both steps so the raw file is not
    /// remapped in between.
    /// </summary>
    [SkipLocalsInit]
    private int SearchQuantized(ReadOnlySpan<float> query, int k, Span<VectorMatch> results, int? ef, IIdFilter? filter)
    {
        int candidates = Math.Max(Rescoring.CandidateCount(k, _oversampling), k);
        int searchEf = Math.Max(ef ?? _efSearch, candidates);
        VectorMatch[] found = ArrayPool<VectorMatch>.Shared.Rent(candidates);
        float[]? rented = null;
        Span<float> encoded = _stride <= VectorCodec.StackallocThreshold
            ? stackalloc float[_stride]
            : (rented = ArrayPool<float>.Shared.Rent(_stride));
        try
        {
            encoded = encoded[.._stride];
            VectorCodec.Encode(_space, query, encoded);
            ref float q = ref MemoryMarshal.GetReference(encoded);
            int count = _space switch
            {
                CodeSpace.Int8Dot => SearchCore<Int8DotDistance>(ref q, candidates, found, searchEf, filter),
                CodeSpace.Int8Euclidean => SearchCore<Int8EuclideanDistance>(ref q, candidates, found, searchEf, filter),
                _ => SearchCore<HammingDistance>(ref q, candidates, found, searchEf, filter),
            };
            _resizeLock.EnterReadLock();
            try
            {
                return Rescoring.Rescore(_raw!, _metric, query, found.AsSpan(0, count), k, results); // only called when _raw is set
            }
            finally
            {
                _resizeLock.ExitReadLock();
            }
        }
        finally
        {
            ArrayPool<VectorMatch>.Shared.Return(found);
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    private void ValidateQuery(ReadOnlySpan<float> query, int k, int resultsLength)
    {
        if (query.Length != _dimensions)
        {
            throw new ArgumentException($"The query has {query.Length} components; the index has {_dimensions} dimensions.", nameof(query));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        if (resultsLength < k)
        {
            throw new ArgumentException($"The results span holds {resultsLength} matches; k is {k}.", "results");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 and its instrumentation, which short runs would otherwise spend most of their time in
    private int SearchCore<TDistance>(ref float query, int k, Span<VectorMatch> results, int ef, IIdFilter? filter)
        where TDistance : struct, IVectorDistance
    {
        _resizeLock.EnterReadLock();
        SearchContext? context = null;
        try
        {
            long entry = Volatile.Read(ref _entry);
            int current = (int)entry;
            if (current < 0)
            {
                return 0;
            }

            float currentDistance = TDistance.Distance(ref query, ref VectorRef(current), _stride);
            for (int level = (int)(entry >> 32); level > 0; level--)
            {
                current = GreedyClosest<TDistance>(ref query, current, ref currentDistance, level);
            }

            context = _contexts.Rent(_capacity);
            if (filter is null)
            {
                SearchLayer<TDistance, LiveNodeFilter>(context, ref query, current, 0, ef, default);
            }
            else
            {
                SearchLayer<TDistance, CallerNodeFilter>(context, ref query, current, 0, ef, new CallerNodeFilter(filter));
            }

            DistanceHeap found = context.Results;
            while (found.Count > k)
            {
                found.Pop();
            }

            int count = found.Count;
            for (int i = count - 1; i >= 0; i--)
            {
                results[i] = new VectorMatch(found.TopId, found.TopDistance);
                found.Pop();
            }

            return count;
        }
        finally
        {
            if (context is not null)
            {
                _contexts.Return(context);
            }

            _resizeLock.ExitReadLock();
        }
    }

    /// <summary>
    /// The paper's SEARCH-LAYER: best-first expansion from <paramref name="entryPoint"/> keeping the
    /// <paramref name="ef"/> closest accepted nodes in <see cref="SearchContext.Results"/>. Nodes the filter rejects
    /// (removed, filtered out, the node being linked) still enter the candidate queue, so they route the search; it
    /// stops when the best candidate is farther than the worst result and the result list is full.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 and its instrumentation, which short runs would otherwise spend most of their time in
    private unsafe void SearchLayer<TDistance, TFilter>(SearchContext context, ref float query, int entryPoint, int level, int ef, TFilter filter)
        where TDistance : struct, IVectorDistance
        where TFilter : struct, INodeFilter
    {
        context.Begin(_capacity);
        DistanceHeap candidates = context.Candidates;
        DistanceHeap results = context.Results;
        ushort generation = context.Generation;
        ref ushort visited = ref MemoryMarshal.GetArrayDataReference(context.Visited);
        ref byte states = ref MemoryMarshal.GetArrayDataReference(_states);
        ref float vectors = ref MemoryMarshal.GetArrayDataReference(_vectors); // pinned: pointer arithmetic below is safe
        float* vectorBase = (float*)Unsafe.AsPointer(ref vectors);
        ref int links0 = ref MemoryMarshal.GetArrayDataReference(_links0);
        int stride = _stride;

        float entryDistance = TDistance.Distance(ref query, ref Unsafe.Add(ref vectors, (nint)entryPoint * stride), stride);
        Unsafe.Add(ref visited, entryPoint) = generation;
        candidates.Push(-entryDistance, entryPoint);
        float bound = float.PositiveInfinity;
        if (filter.Accept(entryPoint, Unsafe.Add(ref states, entryPoint)))
        {
            results.Push(entryDistance, entryPoint);
            bound = entryDistance;
        }

        while (candidates.Count > 0)
        {
            float candidateDistance = -candidates.TopDistance;
            if (candidateDistance > bound && results.Count >= ef)
            {
                break;
            }

            int node = candidates.TopId;
            candidates.Pop();
            ref int links = ref level == 0 ? ref Unsafe.Add(ref links0, (nint)node * _linkStride0) : ref LinksRef(node, level);
            int count = Volatile.Read(ref links);
            if (Sse.IsSupported && count > 0)
            {
                Sse.Prefetch0(vectorBase + ((nint)Unsafe.Add(ref links, 1) * stride));
            }

            for (int i = 1; i <= count; i++)
            {
                int neighbor = Unsafe.Add(ref links, i);
                if (Sse.IsSupported && i < count)
                {
                    Sse.Prefetch0(vectorBase + ((nint)Unsafe.Add(ref links, i + 1) * stride));
                }

                ref ushort mark = ref Unsafe.Add(ref visited, neighbor);
                if (mark == generation)
                {
                    continue;
                }

                mark = generation;
                float distance = TDistance.Distance(ref query, ref Unsafe.Add(ref vectors, (nint)neighbor * stride), stride);
                if (distance < bound || results.Count < ef)
                {
                    candidates.Push(-distance, neighbor);
                    if (filter.Accept(neighbor, Unsafe.Add(ref states, neighbor)))
                    {
                        results.Push(distance, neighbor);
                        if (results.Count > ef)
                        {
                            results.Pop();
                        }

                        bound = results.TopDistance;
                    }
                }
            }
        }
    }
}
