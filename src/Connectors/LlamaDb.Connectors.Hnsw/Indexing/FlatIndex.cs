namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>
/// Exact brute-force index: vectors in one contiguous fixed-stride block, a state byte per id, every search scans
/// all live ids. The right choice for small collections and the reference the HNSW recall is measured against.
/// </summary>
internal sealed partial class FlatIndex : IVectorIndex
{
    private readonly VectorIndexOptions _options;
    private readonly VectorMetric _metric;
    private readonly CodeSpace _space;
    private readonly RawVectorFile? _raw;
    private readonly int _dimensions;
    private readonly int _stride;
    private readonly ReaderWriterLockSlim _resizeLock = new(LockRecursionPolicy.NoRecursion);
    private float[] _vectors;
    private byte[] _states;
    private int _capacity;
    private int _idLimit;
    private int _count;

    /// <summary>Creates an empty index (only <see cref="VectorIndexOptions.Dimensions"/>, Metric and InitialCapacity matter).</summary>
    public FlatIndex(VectorIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
        _metric = options.Metric;
        _space = CodeSpaces.For(_metric, options.Quantization);
        _dimensions = options.Dimensions;
        _stride = VectorCodec.Stride(_space, _dimensions);
        _capacity = options.InitialCapacity;
        _vectors = VectorCodec.AllocatePinned<float>((long)_capacity * _stride);
        _states = new byte[_capacity];
        if (options.Quantization != VectorQuantization.None)
        {
            _raw = new RawVectorFile(options.RawVectorDirectory, _dimensions, _capacity);
        }
    }

    /// <inheritdoc />
    public int Dimensions => _dimensions;

    /// <inheritdoc />
    public VectorMetric Metric => _metric;

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

    /// <inheritdoc />
    public int Count => Volatile.Read(ref _count);

    /// <inheritdoc />
    public int IdLimit => Volatile.Read(ref _idLimit);

    /// <inheritdoc />
    public long MemoryBytes
    {
        get
        {
            _resizeLock.EnterReadLock();
            try
            {
                return ((sizeof(float) * (long)_stride) + sizeof(byte)) * _capacity;
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

        while (true)
        {
            _resizeLock.EnterReadLock();
            if (id < _capacity)
            {
                break;
            }

            _resizeLock.ExitReadLock();
            Grow(id + 1);
        }

        try
        {
            _raw?.Write(id, vector);
            VectorCodec.Encode(_space, vector, _vectors.AsSpan(id * _stride, _stride));
            if (Interlocked.Exchange(ref _states[id], NodeState.Live) != NodeState.Live)
            {
                Interlocked.Increment(ref _count);
            }

            int limit;
            while ((limit = Volatile.Read(ref _idLimit)) <= id && Interlocked.CompareExchange(ref _idLimit, id + 1, limit) != limit)
            {
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
    public int Search(ReadOnlySpan<float> query, int k, Span<VectorMatch> results, int? ef = null, IIdFilter? filter = null)
    {
        ValidateQuery(query, k, results.Length);
        _resizeLock.EnterReadLock();
        try
        {
            if (_raw is null)
            {
                return BruteForce.SearchAll(_space, _vectors, _states, _stride, _idLimit, query, k, filter, results);
            }

            int candidates = Math.Max(Rescoring.CandidateCount(k, _options.Oversampling), k);
            VectorMatch[] found = System.Buffers.ArrayPool<VectorMatch>.Shared.Rent(candidates);
            try
            {
                int count = BruteForce.SearchAll(_space, _vectors, _states, _stride, _idLimit, query, candidates, filter, found);
                return Rescoring.Rescore(_raw, _metric, query, found.AsSpan(0, count), k, results);
            }
            finally
            {
                System.Buffers.ArrayPool<VectorMatch>.Shared.Return(found);
            }
        }
        finally
        {
            _resizeLock.ExitReadLock();
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

    private void Grow(int needed)
    {
        _resizeLock.EnterWriteLock();
        try
        {
            if (needed <= _capacity)
            {
                return;
            }

            int capacity = (int)Math.Min(Math.Max((long)needed, _capacity * 2L), Array.MaxLength / _stride);
            if (capacity < needed)
            {
                throw new InvalidOperationException($"Id {needed - 1} is beyond the largest capacity this index supports ({capacity}).");
            }

            float[] vectors = VectorCodec.AllocatePinned<float>((long)capacity * _stride);
            _vectors.AsSpan().CopyTo(vectors);
            _vectors = vectors;
            _raw?.EnsureCapacity(capacity);
            Array.Resize(ref _states, capacity);
            Volatile.Write(ref _capacity, capacity);
        }
        finally
        {
            _resizeLock.ExitWriteLock();
        }
    }
}
