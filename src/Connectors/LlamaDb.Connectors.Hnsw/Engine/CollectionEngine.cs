using LlamaDb.Connectors.Hnsw.FullText;
using LlamaDb.Connectors.Hnsw.Indexing;
using LlamaDb.Connectors.Hnsw.Storage;
using LlamaDb.VectorData;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Connectors.Hnsw.Engine;

/// <summary>
/// One collection's live state and its durability: records by slot, a key map, one vector index per vector property,
/// one BM25 index per full-text property, payload indexes for <c>IsIndexed</c> properties, and the write-ahead log.
/// </summary>
/// <remarks>
/// Writers are serialized by <see cref="_writeGate"/>; each write is appended to the log (durable) before it is applied.
/// Applying a record happens under the write side of <see cref="_state"/>, one record at a time, so searches (read side)
/// interleave with a long batch and never see a half-applied record.
/// </remarks>
internal sealed partial class CollectionEngine : IDisposable
{
    private readonly string _directory;
    private readonly HnswCollectionOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ReaderWriterLockSlim _state = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<object, int> _slotsByKey = [];
    private readonly SortedSet<int> _freeSlots = [];
    private readonly IVectorIndex[] _vectorIndexes;
    private readonly Bm25Index?[] _textIndexes;
    private readonly Dictionary<object, HashSet<int>>?[] _payloadIndexes;
    private readonly CollectionDirectoryLock _directoryLock;
    private EngineRecord?[] _records = new EngineRecord?[1024];
    private int _slotLimit;
    private WriteAheadLog _log;
    private long _checkpointLsn;
    private long _checkpointGeneration;
    private long _checkpointAttempt;
    private long _logBytesSinceCheckpoint;
    private bool _disposed;
    private Exception? _failure;

    private CollectionEngine(string directory, CollectionSchema schema, HnswCollectionOptions options, ILogger logger, CollectionDirectoryLock directoryLock)
    {
        _directory = directory;
        Schema = schema;
        _options = options;
        _logger = logger;
        _directoryLock = directoryLock;
        _vectorIndexes = new IVectorIndex[schema.Vectors.Count];
        for (int i = 0; i < _vectorIndexes.Length; i++)
        {
            _vectorIndexes[i] = CreateIndex(schema, schema.Vectors[i], directory);
        }

        _textIndexes = new Bm25Index?[schema.Data.Count];
        _payloadIndexes = new Dictionary<object, HashSet<int>>?[schema.Data.Count];
        for (int i = 0; i < schema.Data.Count; i++)
        {
            if (schema.Data[i].IsFullTextIndexed)
            {
                _textIndexes[i] = new Bm25Index(new Bm25Options { K1 = schema.Bm25K1, B = schema.Bm25B });
            }

            if (schema.Data[i].IsIndexed)
            {
                _payloadIndexes[i] = [];
            }
        }

        _log = null!; // opened by Load / Create before the engine is used
    }

    public CollectionSchema Schema { get; }

    /// <summary>Live records.</summary>
    public int Count
    {
        get
        {
            _state.EnterReadLock();
            try
            {
                return _slotsByKey.Count;
            }
            finally
            {
                _state.ExitReadLock();
            }
        }
    }

    internal static IVectorIndex CreateIndex(CollectionSchema schema, SchemaProperty vector, string directory)
    {
        var options = new VectorIndexOptions
        {
            Dimensions = vector.Dimensions,
            Metric = vector.DistanceFunction switch
            {
                DistanceFunction.EuclideanDistance or DistanceFunction.EuclideanSquaredDistance => VectorMetric.Euclidean,
                DistanceFunction.HammingDistance => VectorMetric.Hamming,
                _ => VectorMetric.DotProduct,
            },
            M = schema.M,
            EfConstruction = schema.EfConstruction,
            EfSearch = schema.EfSearch,
            Seed = schema.Seed,
            Quantization = QuantizationOf(vector),
            Oversampling = vector.Oversampling ?? 4,
            RawVectorDirectory = directory,
        };
        return vector.IndexKind == IndexKind.Flat ? new FlatIndex(options) : new HnswIndex(options);
    }

    /// <summary>The index quantization a stored vector property asks for.</summary>
    internal static VectorQuantization QuantizationOf(SchemaProperty vector) => vector.Quantization switch
    {
        null => VectorQuantization.None,
        "int8" => VectorQuantization.Int8,
        "binary" => VectorQuantization.Binary,
        string other => throw new InvalidDataException($"Vector property '{vector.StorageName}' has an unknown quantization '{other}' in collection.json."),
    };

    /// <summary>Whether vectors of this property are normalized at insert (cosine becomes a dot product).</summary>
    internal bool Normalizes(int vectorIndex) =>
        Schema.Vectors[vectorIndex].DistanceFunction is DistanceFunction.CosineSimilarity or DistanceFunction.CosineDistance;

    /// <summary>Inserts or replaces records. Durable when it returns.</summary>
    public async Task UpsertAsync(IReadOnlyList<EngineRecord> records, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (records.Count == 0)
        {
            return;
        }

        foreach (EngineRecord record in records)
        {
            Validate(record);
        }

        byte[] entry = LogCodec.EncodeUpsert(records);
        await WriteAsync(entry, () => ApplyUpserts(records), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes records by key (missing keys are ignored). Durable when it returns; invisible to searches from then on.</summary>
    public async Task DeleteAsync(IReadOnlyList<object> keys, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (keys.Count == 0)
        {
            return;
        }

        byte[] entry = LogCodec.EncodeDelete(keys);
        await WriteAsync(
            entry,
            () =>
            {
                foreach (object key in keys)
                {
                    ApplyDelete(key);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Logs <paramref name="entry"/> and applies it, one writer at a time. Flushing every write, the entry is flushed
    /// before it is applied and the write gate is held throughout. With group commit the entry is written and applied
    /// under the gate, then the gate is released and the call waits for a flush it shares with every writer that
    /// queued meanwhile: concurrent writers pay for one fsync, not one each. A search may then see a write shortly
    /// before it is acknowledged; if the flush fails the engine stops (memory is ahead of the disk) until reopened.
    /// </summary>
    private async Task WriteAsync(byte[] entry, Action apply, CancellationToken cancellationToken)
    {
        long lsn;
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfFailed();
            _logBytesSinceCheckpoint += entry.Length;
            if (_options.Durability == HnswDurability.GroupCommit)
            {
                lsn = _log.WriteUnflushed(entry);
            }
            else
            {
                lsn = _log.Append(entry);
            }

            ApplyLogged(apply);
            await MaybeCheckpointAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }

        if (_options.Durability == HnswDurability.GroupCommit)
        {
            try
            {
                await _log.MakeDurableAsync(lsn).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                Interlocked.CompareExchange(ref _failure, ex, null);
                throw;
            }
        }
    }

    /// <summary>
    /// Applies a write that is already in the log. If applying fails (out of memory, an index limit), memory no longer
    /// matches the log: the engine refuses further use until the collection is reopened (replay rebuilds the state).
    /// </summary>
    private void ApplyLogged(Action apply)
    {
        try
        {
            apply();
        }
        catch (Exception ex)
        {
            _failure = ex;
            throw new InvalidOperationException($"Collection '{Schema.Name}': a logged write could not be applied in memory ({ex.Message}); reopen the collection to recover it from the log.", ex);
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } failure)
        {
            throw new InvalidOperationException($"Collection '{Schema.Name}' stopped after a write failed in memory ({failure.Message}); reopen it.", failure);
        }
    }

    /// <summary>Gets a record by key, with vectors when asked.</summary>
    public EngineRecord? Get(object key, bool includeVectors)
    {
        _state.EnterReadLock();
        try
        {
            return _slotsByKey.TryGetValue(key, out int slot) ? Materialize(slot, includeVectors) : null;
        }
        finally
        {
            _state.ExitReadLock();
        }
    }

    /// <summary>The record in a live slot, copying vectors out of the indexes when asked. Call under the read lock.</summary>
    private EngineRecord? Materialize(int slot, bool includeVectors)
    {
        EngineRecord? record = _records[slot];
        if (record is null || !includeVectors)
        {
            return record is null ? null : record with { Vectors = new float[]?[_vectorIndexes.Length] };
        }

        var vectors = new float[]?[_vectorIndexes.Length];
        for (int v = 0; v < vectors.Length; v++)
        {
            if (record.Vectors.Length > v && record.Vectors[v] is { } original && _vectorIndexes[v].Contains(slot))
            {
                vectors[v] = (float[])original.Clone();
            }
            else if (_vectorIndexes[v].Contains(slot))
            {
                var vector = new float[_vectorIndexes[v].Dimensions];
                _vectorIndexes[v].GetVector(slot, vector);
                if (record.Norms is { } norms && norms[v] > 0f)
                {
                    System.Numerics.Tensors.TensorPrimitives.Multiply(vector, norms[v], vector);
                }

                vectors[v] = vector;
            }
        }

        return record with { Vectors = vectors };
    }

    private void Validate(EngineRecord record)
    {
        if (record.Data.Length != Schema.Data.Count || record.Vectors.Length != Schema.Vectors.Count)
        {
            throw new ArgumentException("The record does not match the collection's schema.");
        }

        for (int v = 0; v < record.Vectors.Length; v++)
        {
            float[]? vector = record.Vectors[v];
            if (vector is not null && vector.Length != Schema.Vectors[v].Dimensions)
            {
                throw new ArgumentException(
                    $"Record {ValueCodec.Describe(record.Key)}: vector property '{Schema.Vectors[v].Name}' has {Schema.Vectors[v].Dimensions} dimensions, but a vector of {vector.Length} was given.");
            }

            if (vector is not null)
            {
                foreach (float value in vector)
                {
                    if (!float.IsFinite(value))
                    {
                        throw new ArgumentException($"Record {ValueCodec.Describe(record.Key)}: vector property '{Schema.Vectors[v].Name}' holds a NaN or infinite value.");
                    }
                }

                if (Normalizes(v) && !float.IsFinite((float)Norm(vector)))
                {
                    throw new ArgumentException($"Record {ValueCodec.Describe(record.Key)}: vector property '{Schema.Vectors[v].Name}' is too long to normalize (its length overflows float).");
                }
            }
        }
    }

    /// <summary>Batches at least this large insert their new records' vectors on all cores.</summary>
    internal const int ParallelApplyThreshold = 64;

    /// <summary>
    /// Applies a batch of upserts (also used by log replay). New keys get their slots reserved under the write lock,
    /// their vectors inserted on all cores with no engine lock held (unpublished slots: a search that meets one skips
    /// it, since it holds no record yet), then are published under the write lock, so no search or get ever sees a
    /// record without its vectors. Replacements and repeated keys are applied one by one afterwards, in batch order.
    /// </summary>
    private void ApplyUpserts(IReadOnlyList<EngineRecord> records)
    {
        if (records.Count < ParallelApplyThreshold || _vectorIndexes.Length == 0)
        {
            foreach (EngineRecord record in records)
            {
                ApplyUpsert(record);
            }

            return;
        }

        var prepared = new (EngineRecord Stored, float[]?[] Vectors)[records.Count];
        for (int i = 0; i < prepared.Length; i++)
        {
            prepared[i] = Prepare(records[i]);
        }

        var fresh = new List<(int Index, int Slot)>(records.Count);
        var later = new List<int>();
        _state.EnterWriteLock();
        try
        {
            var seen = new HashSet<object>();
            for (int i = 0; i < records.Count; i++)
            {
                object key = records[i].Key;
                if (seen.Add(key) && !_slotsByKey.ContainsKey(key))
                {
                    fresh.Add((i, AllocateSlot()));
                }
                else
                {
                    later.Add(i);
                }
            }
        }
        finally
        {
            _state.ExitWriteLock();
        }

        Parallel.For(0, fresh.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, j =>
        {
            (int index, int slot) = fresh[j];
            float[]?[] vectors = prepared[index].Vectors;
            for (int v = 0; v < vectors.Length; v++)
            {
                if (vectors[v] is { } vector)
                {
                    _vectorIndexes[v].Add(slot, vector);
                }
            }
        });

        _state.EnterWriteLock();
        try
        {
            foreach ((int index, int slot) in fresh)
            {
                EngineRecord stored = prepared[index].Stored;
                _slotsByKey[stored.Key] = slot;
                _records[slot] = stored;
                IndexPayload(slot, stored);
            }
        }
        finally
        {
            _state.ExitWriteLock();
        }

        foreach (int index in later)
        {
            ApplyUpsert(records[index]);
        }
    }

    /// <summary>Applies one upsert to the in-memory state.</summary>
    private void ApplyUpsert(EngineRecord record)
    {
        (EngineRecord stored, float[]?[] vectors) = Prepare(record);
        _state.EnterWriteLock();
        try
        {
            if (!_slotsByKey.TryGetValue(record.Key, out int slot))
            {
                slot = AllocateSlot();
                _slotsByKey[record.Key] = slot;
            }
            else
            {
                UnindexPayload(slot, _records[slot]!); // a slot in the key map always holds its record
            }

            _records[slot] = stored;
            IndexPayload(slot, stored);
            for (int v = 0; v < vectors.Length; v++)
            {
                if (vectors[v] is { } vector)
                {
                    _vectorIndexes[v].Add(slot, vector);
                }
                else
                {
                    _vectorIndexes[v].Remove(slot);
                }
            }
        }
        finally
        {
            _state.ExitWriteLock();
        }
    }

    /// <summary>
    /// The record as stored (no vectors: they live in the indexes; the norms of normalized vectors, and the original
    /// floats only where normalized × norm does not give them back bit for bit) and the vectors to index.
    /// </summary>
    private (EngineRecord Stored, float[]?[] Vectors) Prepare(EngineRecord record)
    {
        var vectors = new float[]?[record.Vectors.Length];
        float[]? norms = null;
        float[]?[] originals = [];
        for (int v = 0; v < vectors.Length; v++)
        {
            if (record.Vectors[v] is { } vector && Normalizes(v))
            {
                norms ??= new float[vectors.Length];
                norms[v] = (float)Norm(vector);
                vectors[v] = NormalizeCopy(vector);
                if (!RoundTrips(vector, vectors[v]!, norms[v]))
                {
                    // normalized × norm does not give the upserted floats back bit for bit: keep the original.
                    if (originals.Length == 0)
                    {
                        originals = new float[]?[vectors.Length];
                    }

                    originals[v] = vector;
                }
            }
            else
            {
                vectors[v] = record.Vectors[v];
            }
        }

        return (new EngineRecord(record.Key, record.Data, originals, norms), vectors);
    }

    private void ApplyDelete(object key)
    {
        _state.EnterWriteLock();
        try
        {
            if (!_slotsByKey.Remove(key, out int slot))
            {
                return;
            }

            foreach (IVectorIndex index in _vectorIndexes)
            {
                index.Remove(slot);
            }

            UnindexPayload(slot, _records[slot]!); // a slot in the key map always holds its record
            _records[slot] = null;
            _freeSlots.Add(slot);
        }
        finally
        {
            _state.ExitWriteLock();
        }
    }

    private int AllocateSlot()
    {
        if (_freeSlots.Count > 0)
        {
            int reused = _freeSlots.Min;
            _freeSlots.Remove(reused);
            return reused;
        }

        if (_slotLimit == _records.Length)
        {
            Array.Resize(ref _records, _records.Length * 2);
        }

        return _slotLimit++;
    }

    private void IndexPayload(int slot, EngineRecord record)
    {
        for (int d = 0; d < record.Data.Length; d++)
        {
            _textIndexes[d]?.Upsert(slot, record.Data[d] as string);
            if (_payloadIndexes[d] is { } index)
            {
                foreach (object value in IndexedValues(record.Data[d]))
                {
                    if (!index.TryGetValue(value, out HashSet<int>? slots))
                    {
                        index[value] = slots = [];
                    }

                    slots.Add(slot);
                }
            }
        }
    }

    private void UnindexPayload(int slot, EngineRecord record)
    {
        for (int d = 0; d < record.Data.Length; d++)
        {
            _textIndexes[d]?.Remove(slot);
            if (_payloadIndexes[d] is { } index)
            {
                foreach (object value in IndexedValues(record.Data[d]))
                {
                    if (index.TryGetValue(value, out HashSet<int>? slots))
                    {
                        slots.Remove(slot);
                        if (slots.Count == 0)
                        {
                            index.Remove(value);
                        }
                    }
                }
            }
        }
    }

    /// <summary>The values a payload index files a record under: the value, or each element of a list.</summary>
    private static IEnumerable<object> IndexedValues(object? value)
    {
        if (value is null)
        {
            yield break;
        }

        if (value is System.Collections.IList list && value is not string)
        {
            foreach (object? item in list)
            {
                if (item is not null)
                {
                    yield return PayloadKey(item);
                }
            }
        }
        else
        {
            yield return PayloadKey(value);
        }
    }

    /// <summary>Numbers are filed by their value as decimal/double so 5 (int) and 5L (long) meet.</summary>
    internal static object PayloadKey(object value) => value switch
    {
        byte or sbyte or short or ushort or int or uint or long or ulong or decimal => Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture),
        float f => (double)f,
        _ => value,
    };

    private static bool RoundTrips(float[] original, float[] normalized, float norm)
    {
        for (int i = 0; i < original.Length; i++)
        {
            if (normalized[i] * norm != original[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The L2 norm, accumulated in double so large components do not overflow.</summary>
    internal static double Norm(ReadOnlySpan<float> vector)
    {
        double sum = 0;
        foreach (float value in vector)
        {
            sum += (double)value * value;
        }

        return Math.Sqrt(sum);
    }

    internal static float[] NormalizeCopy(float[] vector)
    {
        var copy = (float[])vector.Clone();
        double norm = Norm(vector);
        if (norm > 0)
        {
            for (int i = 0; i < copy.Length; i++)
            {
                copy[i] = (float)(vector[i] / norm);
            }
        }

        return copy;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _writeGate.Wait();
        try
        {
            _log?.Dispose();
        }
        finally
        {
            try
            {
                foreach (IVectorIndex index in _vectorIndexes)
                {
                    index.Dispose();
                }

                foreach (Bm25Index? text in _textIndexes)
                {
                    text?.Dispose();
                }
            }
            finally
            {
                _directoryLock.Dispose();
                _writeGate.Release();
            }
        }
    }
}
