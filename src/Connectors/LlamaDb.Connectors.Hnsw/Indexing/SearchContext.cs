namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>
/// Per-search scratch state, pooled by <see cref="SearchContextPool"/>: a generation-tagged visited set (a node is
/// visited when its mark equals the current generation, so starting a search is O(1) instead of clearing an array),
/// the candidate and result heaps, and buffers for neighbour selection.
/// </summary>
internal sealed class SearchContext
{
    private ushort _generation;

    /// <summary>Creates scratch state for an index of <paramref name="capacity"/> id slots.</summary>
    public SearchContext(int capacity, int maxDegree)
    {
        Visited = VectorCodec.AllocatePinned<ushort>(capacity);
        Candidates = new DistanceHeap(256);
        Results = new DistanceHeap(256);
        PruneIds = new int[maxDegree + 1];
        PruneDistances = new float[maxDegree + 1];
        SortedIds = new int[256];
        SortedDistances = new float[256];
    }

    /// <summary>Gets the visited marks (pinned, one per id slot).</summary>
    public ushort[] Visited { get; private set; }

    /// <summary>Gets the mark of the current search.</summary>
    public ushort Generation => _generation;

    /// <summary>Gets the candidate queue (negated distances: best on top).</summary>
    public DistanceHeap Candidates { get; }

    /// <summary>Gets the bounded result list (worst on top).</summary>
    public DistanceHeap Results { get; }

    /// <summary>Gets scratch ids for re-pruning a neighbour list.</summary>
    public int[] PruneIds { get; }

    /// <summary>Gets the distances of <see cref="PruneIds"/>.</summary>
    public float[] PruneDistances { get; }

    /// <summary>Gets a buffer for candidates in ascending order.</summary>
    public int[] SortedIds { get; private set; }

    /// <summary>Gets the distances of <see cref="SortedIds"/>.</summary>
    public float[] SortedDistances { get; private set; }

    /// <summary>Starts a search over <paramref name="capacity"/> id slots: a fresh generation and empty heaps.</summary>
    public void Begin(int capacity)
    {
        if (Visited.Length < capacity)
        {
            Visited = VectorCodec.AllocatePinned<ushort>(Math.Max(capacity, Visited.Length * 2));
            _generation = 0;
        }

        if (++_generation == 0)
        {
            Array.Clear(Visited);
            _generation = 1;
        }

        Candidates.Clear();
        Results.Clear();
    }

    /// <summary>Makes <see cref="SortedIds"/> hold at least <paramref name="count"/> entries.</summary>
    public void EnsureSorted(int count)
    {
        if (SortedIds.Length < count)
        {
            SortedIds = new int[count * 2];
            SortedDistances = new float[count * 2];
        }
    }
}
