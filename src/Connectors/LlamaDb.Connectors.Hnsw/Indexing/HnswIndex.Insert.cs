using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>Insertion: level draw, greedy descent, <c>SearchLayer</c> per level, <c>SelectNeighborsHeuristic</c>, mutual links.</summary>
internal sealed partial class HnswIndex
{
    /// <summary>Inserts or replaces <paramref name="id"/>; the caller holds <see cref="_resizeLock"/> shared and id &lt; capacity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 and its instrumentation, which short runs would otherwise spend most of their time in
    private void AddCore<TDistance>(int id, ReadOnlySpan<float> vector)
        where TDistance : struct, IVectorDistance
    {
        byte state = Volatile.Read(ref _states[id]);
        _raw?.Write(id, vector);
        VectorCodec.Encode(_space, vector, _vectors.AsSpan(id * _stride, _stride));
        if (state == NodeState.Absent)
        {
            int level = LevelFor(id);
            if (level > 0)
            {
                int[] upper = new int[level * _linkStrideUpper];
                _upperLinks[id] = upper;
                Interlocked.Add(ref _upperLinkBytes, (upper.Length * sizeof(int)) + (3L * IntPtr.Size));
            }

            _levels[id] = level;
            Link<TDistance>(id, level, replacing: false);
            Volatile.Write(ref _states[id], NodeState.Live);
            Interlocked.Increment(ref _count);
            int limit;
            while ((limit = Volatile.Read(ref _idLimit)) <= id && Interlocked.CompareExchange(ref _idLimit, id + 1, limit) != limit)
            {
            }
        }
        else
        {
            Link<TDistance>(id, _levels[id], replacing: true);
            if (Interlocked.CompareExchange(ref _states[id], NodeState.Live, NodeState.Removed) == NodeState.Removed)
            {
                Interlocked.Increment(ref _count);
            }
        }
    }

    /// <summary>
    /// Connects <paramref name="id"/> (vector already stored) at levels 0..<paramref name="level"/>. When
    /// <paramref name="replacing"/>, the node is already in the graph: its own lists are rebuilt from a fresh search and
    /// it is added to its new neighbours' lists; edges other nodes hold to it stay as routing edges.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 and its instrumentation, which short runs would otherwise spend most of their time in
    private void Link<TDistance>(int id, int level, bool replacing)
        where TDistance : struct, IVectorDistance
    {
        long entry = Volatile.Read(ref _entry);
        bool holdsEntryLock = false;
        if (level > (int)(entry >> 32))
        {
            _entryLock.Enter();
            holdsEntryLock = true;
            entry = _entry;
            if (level <= (int)(entry >> 32))
            {
                _entryLock.Exit();
                holdsEntryLock = false;
            }
        }

        try
        {
            int entryPoint = (int)entry;
            int topLevel = (int)(entry >> 32);
            if (entryPoint < 0)
            {
                Volatile.Write(ref _entry, PackEntry(id, level));
                return;
            }

            ref float query = ref VectorRef(id);
            SearchContext context = _contexts.Rent(_capacity);
            try
            {
                int current = entryPoint;
                float currentDistance = TDistance.Distance(ref query, ref VectorRef(current), _stride);
                for (int l = topLevel; l > level; l--)
                {
                    current = GreedyClosest<TDistance>(ref query, current, ref currentDistance, l);
                }

                for (int l = Math.Min(level, topLevel); l >= 0; l--)
                {
                    SearchLayer<TDistance, BuildNodeFilter>(context, ref query, current, l, _efConstruction, new BuildNodeFilter(id));
                    if (context.Results.Count > 0)
                    {
                        current = ConnectNeighbors<TDistance>(context, id, l, replacing);
                    }
                }
            }
            finally
            {
                _contexts.Return(context);
            }

            if (level > topLevel)
            {
                Volatile.Write(ref _entry, PackEntry(id, level));
            }
        }
        finally
        {
            if (holdsEntryLock)
            {
                _entryLock.Exit();
            }
        }
    }

    /// <summary>Greedy walk at one upper level: move to the closest neighbour until none is closer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 and its instrumentation, which short runs would otherwise spend most of their time in
    private int GreedyClosest<TDistance>(ref float query, int current, ref float currentDistance, int level)
        where TDistance : struct, IVectorDistance
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            ref int links = ref LinksRef(current, level);
            int count = Volatile.Read(ref links);
            for (int i = 1; i <= count; i++)
            {
                int candidate = Unsafe.Add(ref links, i);
                float distance = TDistance.Distance(ref query, ref VectorRef(candidate), _stride);
                if (distance < currentDistance)
                {
                    currentDistance = distance;
                    current = candidate;
                    changed = true;
                }
            }
        }

        return current;
    }

    /// <summary>
    /// Picks up to M neighbours among the layer search results with the heuristic, writes them as the node's list at
    /// <paramref name="level"/>, and adds the node to each of theirs (pruning a full list with the heuristic).
    /// Returns the closest selected neighbour, the entry point for the next level down.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 and its instrumentation, which short runs would otherwise spend most of their time in
    private int ConnectNeighbors<TDistance>(SearchContext context, int id, int level, bool replacing)
        where TDistance : struct, IVectorDistance
    {
        int found = context.Results.Count;
        context.EnsureSorted(found);
        int[] ids = context.SortedIds;
        float[] distances = context.SortedDistances;
        context.Results.DrainAscending(ids, distances);
        int selected = found < _m ? found : SelectNeighborsHeuristic<TDistance>(ids, distances, found, _m);

        LockNode(id);
        ref int own = ref LinksRef(id, level);
        for (int i = 0; i < selected; i++)
        {
            Unsafe.Add(ref own, i + 1) = ids[i];
        }

        Volatile.Write(ref own, selected);
        UnlockNode(id);

        int maxDegree = level == 0 ? _m0 : _m;
        for (int i = 0; i < selected; i++)
        {
            int neighbor = ids[i];
            LockNode(neighbor);
            try
            {
                ref int links = ref LinksRef(neighbor, level);
                int count = links;
                if (replacing && ListContains(ref links, count, id))
                {
                    continue;
                }

                if (count < maxDegree)
                {
                    Unsafe.Add(ref links, count + 1) = id;
                    Volatile.Write(ref links, count + 1);
                }
                else
                {
                    PruneWith<TDistance>(context, neighbor, ref links, count, id, maxDegree);
                }
            }
            finally
            {
                UnlockNode(neighbor);
            }
        }

        return ids[0];
    }

    private static bool ListContains(ref int links, int count, int id)
    {
        for (int i = 1; i <= count; i++)
        {
            if (Unsafe.Add(ref links, i) == id)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Rewrites the full list of <paramref name="node"/> as the heuristic's choice among its neighbours plus <paramref name="added"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 and its instrumentation, which short runs would otherwise spend most of their time in
    private void PruneWith<TDistance>(SearchContext context, int node, ref int links, int count, int added, int maxDegree)
        where TDistance : struct, IVectorDistance
    {
        int[] ids = context.PruneIds;
        float[] distances = context.PruneDistances;
        ref float origin = ref VectorRef(node);
        for (int i = 0; i < count; i++)
        {
            int neighbor = Unsafe.Add(ref links, i + 1);
            ids[i] = neighbor;
            distances[i] = TDistance.Distance(ref origin, ref VectorRef(neighbor), _stride);
        }

        ids[count] = added;
        distances[count] = TDistance.Distance(ref origin, ref VectorRef(added), _stride);
        int total = count + 1;
        distances.AsSpan(0, total).Sort(ids.AsSpan(0, total));
        int kept = SelectNeighborsHeuristic<TDistance>(ids, distances, total, maxDegree);
        for (int i = 0; i < kept; i++)
        {
            Unsafe.Add(ref links, i + 1) = ids[i];
        }

        Volatile.Write(ref links, kept);
    }

    /// <summary>
    /// The hnswlib/paper heuristic over candidates sorted by distance to the base point: keep a candidate when it is
    /// closer to the base than to every neighbour kept so far, until <paramref name="maxCount"/> are kept. Compacts
    /// the kept candidates to the front of the arrays (in order) and returns their number.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 and its instrumentation, which short runs would otherwise spend most of their time in
    private int SelectNeighborsHeuristic<TDistance>(int[] ids, float[] distances, int count, int maxCount)
        where TDistance : struct, IVectorDistance
    {
        ref int idRef = ref MemoryMarshal.GetArrayDataReference(ids);
        ref float distanceRef = ref MemoryMarshal.GetArrayDataReference(distances);
        int kept = 0;
        for (int i = 0; i < count && kept < maxCount; i++)
        {
            int candidate = Unsafe.Add(ref idRef, i);
            float toBase = Unsafe.Add(ref distanceRef, i);
            ref float candidateVector = ref VectorRef(candidate);
            bool good = true;
            for (int j = 0; j < kept; j++)
            {
                if (TDistance.Distance(ref candidateVector, ref VectorRef(Unsafe.Add(ref idRef, j)), _stride) < toBase)
                {
                    good = false;
                    break;
                }
            }

            if (good)
            {
                Unsafe.Add(ref idRef, kept) = candidate;
                Unsafe.Add(ref distanceRef, kept) = toBase;
                kept++;
            }
        }

        return kept;
    }
}
