using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>
/// A hierarchical navigable small world graph (Malkov and Yashunin) over caller-assigned dense ids, laid out like
/// hnswlib: vectors in one contiguous fixed-stride block, level-0 links (count + 2·M ids per node) in another,
/// upper-level links per node. Node ids are the caller's ids, so there is no label map.
/// </summary>
/// <remarks>
/// Concurrency follows hnswlib: a per-node spin lock guards each neighbour-list write; searches read lists
/// without locks (a list is rewritten ids first, count last, and only ever holds valid ids); a global lock is held
/// by an insert that raises the top level. Growing the arrays takes <see cref="_resizeLock"/> exclusively; every
/// other operation holds it shared. Removal is a tombstone: removed nodes still route searches but are never
/// returned, and <see cref="Add"/> on a removed id re-links it with the new vector.
/// </remarks>
internal sealed partial class HnswIndex : IVectorIndex
{
    /// <summary>Highest level a node can get (a level generator value above it is clamped).</summary>
    internal const int MaxLevel = 31;

    private readonly VectorMetric _metric;
    private readonly VectorQuantization _quantization;
    private readonly CodeSpace _space;
    private readonly int _oversampling;
    private readonly RawVectorFile? _raw;
    private readonly int _dimensions;
    private readonly int _stride;
    private readonly int _m;
    private readonly int _m0;
    private readonly int _efConstruction;
    private readonly int _efSearch;
    private readonly double _levelMultiplier;
    private readonly ulong _levelSeed;
    private readonly int _linkStride0;
    private readonly int _linkStrideUpper;
    private readonly ReaderWriterLockSlim _resizeLock = new(LockRecursionPolicy.NoRecursion);
    private readonly Lock _entryLock = new();
    private readonly SearchContextPool _contexts;

    private float[] _vectors;
    private int[] _links0;
    private int[]?[] _upperLinks;
    private int[] _levels;
    private byte[] _states;
    private int[] _nodeLocks;
    private int _capacity;
    private int _idLimit;
    private int _count;
    private long _upperLinkBytes;

    /// <summary>Entry point id (low 32 bits) and top level (high 32 bits), swapped atomically; -1 when empty.</summary>
    private long _entry = -1;

    /// <summary>Creates an empty index.</summary>
    public HnswIndex(VectorIndexOptions options)
        : this(Validated(options), options.Seed is { } seed ? (ulong)seed * 0x9E3779B97F4A7C15UL : (ulong)Random.Shared.NextInt64(), options.InitialCapacity)
    {
    }

    private HnswIndex(VectorIndexOptions options, ulong levelSeed, int capacity)
    {
        _metric = options.Metric;
        _quantization = options.Quantization;
        _space = CodeSpaces.For(_metric, _quantization);
        _oversampling = options.Oversampling;
        _dimensions = options.Dimensions;
        _stride = VectorCodec.Stride(_space, _dimensions);
        _m = options.M;
        _m0 = 2 * options.M;
        _efConstruction = options.EfConstruction;
        _efSearch = options.EfSearch;
        _levelMultiplier = 1.0 / Math.Log(options.M);
        _levelSeed = levelSeed;
        _linkStride0 = _m0 + 1;
        _linkStrideUpper = _m + 1;
        _contexts = new SearchContextPool(_m0);
        _capacity = Math.Max(capacity, 1);
        _vectors = VectorCodec.AllocatePinned<float>((long)_capacity * _stride);
        _links0 = VectorCodec.AllocatePinned<int>((long)_capacity * _linkStride0);
        _upperLinks = new int[]?[_capacity];
        _levels = new int[_capacity];
        _states = new byte[_capacity];
        _nodeLocks = new int[_capacity];
        if (_quantization != VectorQuantization.None)
        {
            _raw = new RawVectorFile(options.RawVectorDirectory, _dimensions, _capacity);
        }
    }

    /// <inheritdoc />
    public int Dimensions => _dimensions;

    /// <inheritdoc />
    public VectorMetric Metric => _metric;

    /// <summary>Gets how the traversed vectors are compressed.</summary>
    public VectorQuantization Quantization => _quantization;

    /// <summary>Gets how many candidates per requested hit a quantized search rescores.</summary>
    public int Oversampling => _oversampling;

    /// <inheritdoc />
    public long VectorBytes => sizeof(float) * (long)_stride * Volatile.Read(ref _capacity);

    /// <inheritdoc />
    public long RawVectorBytes
    {
        get
        {
            _resizeLock.EnterReadLock();
            try
            {
                return _raw?.MappedBytes ?? 0;
            }
            finally
            {
                _resizeLock.ExitReadLock();
            }
        }
    }

    /// <summary>Gets M (the upper-level out-degree; level 0 keeps 2·M).</summary>
    public int M => _m;

    /// <summary>Gets the insert-time candidate-list size.</summary>
    public int EfConstruction => _efConstruction;

    /// <summary>Gets the default search candidate-list size.</summary>
    public int EfSearch => _efSearch;

    /// <inheritdoc />
    public int Count => Volatile.Read(ref _count);

    /// <inheritdoc />
    public int IdLimit => Volatile.Read(ref _idLimit);

    /// <summary>Gets the number of id slots allocated.</summary>
    public int Capacity => Volatile.Read(ref _capacity);

    /// <summary>Gets the current top level (-1 when empty).</summary>
    public int TopLevel => (int)(Volatile.Read(ref _entry) >> 32);

    /// <summary>Gets the level of <paramref name="id"/>, or -1 when it was never added.</summary>
    public int LevelOf(int id)
    {
        _resizeLock.EnterReadLock();
        try
        {
            return (uint)id < (uint)_capacity && _states[id] != NodeState.Absent ? _levels[id] : -1;
        }
        finally
        {
            _resizeLock.ExitReadLock();
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Vectors + level-0 links + per-id level, state and lock + upper-level link arrays (with their object headers)
    /// + the per-node upper-link references, over the allocated capacity.
    /// </remarks>
    public long MemoryBytes
    {
        get
        {
            _resizeLock.EnterReadLock();
            try
            {
                long perNode = (sizeof(float) * (long)_stride) + (sizeof(int) * (long)_linkStride0) + sizeof(int) + sizeof(byte) + sizeof(int) + IntPtr.Size;
                return (perNode * _capacity) + Interlocked.Read(ref _upperLinkBytes);
            }
            finally
            {
                _resizeLock.ExitReadLock();
            }
        }
    }

    /// <inheritdoc />
    public void Add(int id, ReadOnlySpan<float> vector)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        if (vector.Length != _dimensions)
        {
            throw new ArgumentException($"The vector has {vector.Length} components; the index has {_dimensions} dimensions.", nameof(vector));
        }

        EnterSharedWithCapacity(id);
        try
        {
            switch (_space)
            {
                case CodeSpace.FloatDot:
                    AddCore<DotProductDistance>(id, vector);
                    break;
                case CodeSpace.FloatEuclidean:
                    AddCore<SquaredEuclideanDistance>(id, vector);
                    break;
                case CodeSpace.Int8Dot:
                    AddCore<Int8DotDistance>(id, vector);
                    break;
                case CodeSpace.Int8Euclidean:
                    AddCore<Int8EuclideanDistance>(id, vector);
                    break;
                default:
                    AddCore<HammingDistance>(id, vector);
                    break;
            }
        }
        finally
        {
            _resizeLock.ExitReadLock();
        }
    }

    /// <inheritdoc />
    public void Remove(int id)
    {
        _resizeLock.EnterReadLock();
        try
        {
            if ((uint)id < (uint)_capacity && Interlocked.CompareExchange(ref _states[id], NodeState.Removed, NodeState.Live) == NodeState.Live)
            {
                Interlocked.Decrement(ref _count);
            }
        }
        finally
        {
            _resizeLock.ExitReadLock();
        }
    }

    /// <inheritdoc />
    public bool Contains(int id)
    {
        _resizeLock.EnterReadLock();
        try
        {
            return (uint)id < (uint)_capacity && Volatile.Read(ref _states[id]) == NodeState.Live;
        }
        finally
        {
            _resizeLock.ExitReadLock();
        }
    }

    /// <inheritdoc />
    public void GetVector(int id, Span<float> destination)
    {
        if (destination.Length != _dimensions)
        {
            throw new ArgumentException($"The destination has {destination.Length} components; the index has {_dimensions} dimensions.", nameof(destination));
        }

        _resizeLock.EnterReadLock();
        try
        {
            if ((uint)id >= (uint)_capacity || _states[id] != NodeState.Live)
            {
                throw new KeyNotFoundException($"Id {id} is not in the index.");
            }

            if (_raw is not null)
            {
                _raw.Vector(id).CopyTo(destination);
            }
            else
            {
                VectorCodec.Decode(_metric, _vectors.AsSpan(id * _stride, _stride), destination);
            }
        }
        finally
        {
            _resizeLock.ExitReadLock();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _raw?.Dispose();
        _resizeLock.Dispose();
    }

    private static VectorIndexOptions Validated(VectorIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }

    /// <summary>Enters <see cref="_resizeLock"/> shared, growing the arrays first until <paramref name="id"/> fits.</summary>
    private void EnterSharedWithCapacity(int id)
    {
        while (true)
        {
            _resizeLock.EnterReadLock();
            if (id < _capacity)
            {
                return;
            }

            _resizeLock.ExitReadLock();
            Grow(id + 1);
        }
    }

    private void Grow(int needed)
    {
        _resizeLock.EnterWriteLock();
        try
        {
            if (needed <= _capacity)
            {
                return;
            }

            int capacity = (int)Math.Min(Math.Max((long)needed, _capacity * 2L), Array.MaxLength / Math.Max(_stride, _linkStride0));
            if (capacity < needed)
            {
                throw new InvalidOperationException($"Id {needed - 1} is beyond the largest capacity this index supports ({capacity}).");
            }

            float[] vectors = VectorCodec.AllocatePinned<float>((long)capacity * _stride);
            _vectors.AsSpan().CopyTo(vectors);
            int[] links0 = VectorCodec.AllocatePinned<int>((long)capacity * _linkStride0);
            _links0.AsSpan().CopyTo(links0);
            _vectors = vectors;
            _links0 = links0;
            Array.Resize(ref _upperLinks, capacity);
            Array.Resize(ref _levels, capacity);
            Array.Resize(ref _states, capacity);
            Array.Resize(ref _nodeLocks, capacity);
            _raw?.EnsureCapacity(capacity);
            Volatile.Write(ref _capacity, capacity);
        }
        finally
        {
            _resizeLock.ExitWriteLock();
        }
    }

    /// <summary>The level of <paramref name="id"/>: floor(-ln(u) · 1/ln(M)) with u drawn from a hash of the seed and the id.</summary>
    private int LevelFor(int id)
    {
        ulong z = _levelSeed + ((ulong)(uint)id * 0x9E3779B97F4A7C15UL) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        double u = ((z >> 11) + 1) * (1.0 / 9007199254740992.0); // (0, 1]
        double level = -Math.Log(u) * _levelMultiplier;
        return level >= MaxLevel ? MaxLevel : (int)level;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref float VectorRef(int id) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_vectors), (nint)id * _stride);

    /// <summary>The list header (count, then ids) of <paramref name="id"/> at <paramref name="level"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref int LinksRef(int id, int level) => ref level == 0
        ? ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_links0), (nint)id * _linkStride0)
        : ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_upperLinks[id]!), (level - 1) * _linkStrideUpper); // a node is only linked at levels it has

    private void LockNode(int id)
    {
        ref int gate = ref _nodeLocks[id];
        if (Interlocked.CompareExchange(ref gate, 1, 0) != 0)
        {
            SpinUntilAcquired(ref gate);
        }
    }

    private static void SpinUntilAcquired(ref int gate)
    {
        var spinner = default(SpinWait);
        do
        {
            spinner.SpinOnce();
        }
        while (Volatile.Read(ref gate) != 0 || Interlocked.CompareExchange(ref gate, 1, 0) != 0);
    }

    private void UnlockNode(int id) => Volatile.Write(ref _nodeLocks[id], 0);

    private static long PackEntry(int id, int level) => ((long)level << 32) | (uint)id;
}
