using System.Collections;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using LlamaDb.Connectors.Hnsw.Engine;
using LlamaDb.VectorData;
using LlamaDb.VectorData.ProviderServices;
using LlamaDb.VectorData.ProviderServices.Filter;
using Microsoft.Extensions.AI;

namespace LlamaDb.Connectors.Hnsw;

/// <summary>
/// A collection of the embedded store: typed (or dynamic) records over a persistent HNSW (or flat) index, payload,
/// BM25 full-text indexes and a write-ahead log. Upserts and deletes are durable when they return.
/// </summary>
/// <typeparam name="TKey">The key type: string, Guid, ulong, long or int (object for dynamic collections).</typeparam>
/// <typeparam name="TRecord">The record type.</typeparam>
public sealed class HnswCollection<TKey, TRecord> : VectorStoreCollection<TKey, TRecord>, IKeywordHybridSearchable<TRecord>, IKeywordSearchable<TRecord>
    where TKey : notnull
    where TRecord : class
{
    private readonly HnswVectorStore _store;
    private readonly HnswCollectionOptions _options;
    private readonly CollectionModel _model;
    private readonly CollectionSchema _requestedSchema;
    private readonly Lock _mapLock = new();
    private Dictionary<DataPropertyModel, int> _dataIndex = [];
    private Dictionary<VectorPropertyModel, int> _vectorIndex = [];
    private CollectionEngine? _mappedEngine;

    internal HnswCollection(HnswVectorStore store, string name, HnswCollectionOptions? options)
    {
        HnswVectorStore.ValidateCollectionName(name);
        _store = store;
        Name = name;
        _options = new HnswCollectionOptions(options);
        _options.Validate();
        _model = CollectionModelBuilder.Build(typeof(TRecord), _options.Definition, _options.EmbeddingGenerator ?? store.Options.EmbeddingGenerator);
        if (typeof(TKey) != typeof(object) && typeof(TKey) != _model.KeyProperty.Type)
        {
            throw new InvalidOperationException($"The collection's key type is {typeof(TKey).Name}, but the record's key property '{_model.KeyProperty.ModelName}' is {_model.KeyProperty.Type.Name}.");
        }

        _requestedSchema = CollectionSchema.FromModel(name, _model, _options);
    }

    /// <inheritdoc />
    public override string Name { get; }

    private string Directory => Path.Combine(_store.RootPath, Name);

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) =>
        _store.CollectionExistsAsync(Name, cancellationToken);

    /// <inheritdoc />
    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _ = _store.GetOrCreateEngine(Name, _requestedSchema, _options, create: true);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default) =>
        _store.EnsureCollectionDeletedAsync(Name, cancellationToken);

    private CollectionEngine Engine
    {
        get
        {
            CollectionEngine engine = _store.GetOrCreateEngine(Name, _requestedSchema, _options, create: false)
                ?? throw new InvalidOperationException($"Collection '{Name}' does not exist; call EnsureCollectionExistsAsync first.");
            if (!ReferenceEquals(engine, Volatile.Read(ref _mappedEngine)))
            {
                MapTo(engine);
            }

            return engine;
        }
    }

    internal CollectionEngine EngineForTests => Engine;

    /// <summary>Positions of the model's properties in the stored schema (matched by storage name).</summary>
    private void MapTo(CollectionEngine engine)
    {
        lock (_mapLock)
        {
            if (ReferenceEquals(engine, _mappedEngine))
            {
                return;
            }

            // New dictionaries, published whole: readers never see one being filled.
            var data = new Dictionary<DataPropertyModel, int>();
            var vectors = new Dictionary<VectorPropertyModel, int>();
            foreach (DataPropertyModel property in _model.DataProperties)
            {
                int index = engine.Schema.Data.FindIndex(d => d.StorageName == property.StorageName);
                if (index < 0)
                {
                    throw new InvalidOperationException($"Collection '{Name}' has no data property '{property.StorageName}'; it was created with {string.Join(", ", engine.Schema.Data.Select(d => d.StorageName))}.");
                }

                data[property] = index;
            }

            foreach (VectorPropertyModel vector in _model.VectorProperties)
            {
                vectors[vector] = engine.Schema.Vectors.FindIndex(v => v.StorageName == vector.StorageName);
            }

            _dataIndex = data;
            _vectorIndex = vectors;
            Volatile.Write(ref _mappedEngine, engine);
        }
    }

    /// <summary>Writes a checkpoint now: snapshot files replace the log's contents, so reopening is fast.</summary>
    public Task CheckpointAsync(CancellationToken cancellationToken = default) => Engine.CheckpointAsync(cancellationToken);

    /// <summary>
    /// Renumbers records densely and rebuilds the indexes without the holes deletes left, then checkpoints. Also happens
    /// automatically at checkpoints once <see cref="HnswCollectionOptions.CompactionTombstoneRatio"/> of the slots are free.
    /// </summary>
    public Task CompactAsync(CancellationToken cancellationToken = default) => Engine.CompactAsync(cancellationToken);

    /// <summary>The number of records.</summary>
    public int Count => Engine.Count;

    /// <inheritdoc />
    public override Task<TRecord?> GetAsync(TKey key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        EngineRecord? record = Engine.Get(Key(key), options?.IncludeVectors ?? false);
        return Task.FromResult(record is null ? null : ToRecord(record, options?.IncludeVectors ?? false));
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<TRecord> GetAsync(Expression<Func<TRecord, bool>> filter, int top, FilteredRecordRetrievalOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        FilterNode node = FilterTranslator.Translate(filter, _model);
        bool includeVectors = options?.IncludeVectors ?? false;
        List<EngineRecord> records = Engine.Scan(node, top, options?.Skip ?? 0, DataIndexOf, includeVectors);
        foreach (EngineRecord record in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return ToRecord(record, includeVectors);
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>
    /// Every record, in pages of up to <paramref name="batchSize"/> in slot order, in one pass (for bulk copies such as
    /// <c>llamadb migrate</c>). Records written or deleted while it runs may or may not be seen; a compaction meanwhile
    /// renumbers slots, so copy from a collection nothing writes to.
    /// </summary>
    internal async IAsyncEnumerable<IReadOnlyList<TRecord>> ReadAllAsync(int batchSize, bool includeVectors, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        await Task.CompletedTask.ConfigureAwait(false); // async only to match the contract's enumerations; reads are in memory
        int slot = 0;
        // Bounded: every page advances the slot past what it read, and slots end at the engine's slot limit.
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            (List<EngineRecord> records, int next) = Engine.ScanFrom(slot, batchSize, includeVectors);
            if (records.Count == 0)
            {
                yield break;
            }

            var page = new List<TRecord>(records.Count);
            foreach (EngineRecord record in records)
            {
                page.Add(ToRecord(record, includeVectors));
            }

            yield return page;
            slot = next;
        }
    }

    /// <inheritdoc />
    public override Task DeleteAsync(TKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Engine.DeleteAsync([Key(key)], cancellationToken);
    }

    /// <inheritdoc />
    public override Task DeleteAsync(IEnumerable<TKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var normalized = new List<object>();
        foreach (TKey key in keys)
        {
            normalized.Add(Key(key ?? throw new ArgumentException("A key is null.", nameof(keys))));
        }

        return Engine.DeleteAsync(normalized, cancellationToken);
    }

    /// <inheritdoc />
    public override Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return UpsertAsync([record], cancellationToken);
    }

    /// <inheritdoc />
    public override async Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        List<TRecord> list = [.. records];
        CollectionEngine engine = Engine;
        var engineRecords = new EngineRecord[list.Count];
        var vectors = new float[]?[list.Count][];
        for (int i = 0; i < list.Count; i++)
        {
            TRecord record = list[i] ?? throw new ArgumentNullException(nameof(records), $"records[{i}] is null.");
            object key = _model.KeyProperty.GetValue(record)
                ?? throw new ArgumentException($"records[{i}] has a null key ('{_model.KeyProperty.ModelName}').", nameof(records));
            var data = new object?[engine.Schema.Data.Count];
            foreach (DataPropertyModel property in _model.DataProperties)
            {
                data[_dataIndex[property]] = ValueCodec.ToStored(property.GetValue(record));
            }

            vectors[i] = new float[]?[engine.Schema.Vectors.Count];
            engineRecords[i] = new EngineRecord(Key(key), data, vectors[i]);
        }

        // Vectors: read them, or embed the inputs of each property in one batched call.
        for (int v = 0; v < _model.VectorProperties.Count; v++)
        {
            VectorPropertyModel property = _model.VectorProperties[v];
            if (property.RequiresEmbedding)
            {
                ReadOnlyMemory<float>?[] embedded = await property.GenerateRecordEmbeddingsAsync(list, cancellationToken).ConfigureAwait(false);
                for (int i = 0; i < embedded.Length; i++)
                {
                    vectors[i][_vectorIndex[property]] = embedded[i]?.ToArray();
                }
            }
            else
            {
                for (int i = 0; i < list.Count; i++)
                {
                    vectors[i][_vectorIndex[property]] = ReadVector(property, property.GetValue(list[i]));
                }
            }
        }

        await engine.UpsertAsync(engineRecords, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(TInput searchValue, int top, VectorSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        VectorPropertyModel property = _model.GetVectorPropertyOrSingle(options?.VectorProperty);
        float[] query = await ToQueryVectorAsync(property, searchValue, cancellationToken).ConfigureAwait(false);
        FilterNode? filter = options?.Filter is { } f ? FilterTranslator.Translate(f, _model) : null;
        bool includeVectors = options?.IncludeVectors ?? false;
        CollectionEngine engine = Engine;
        int? ef = (options as HnswVectorSearchOptions<TRecord>)?.EfSearch;
        if (ef is { } requested)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requested, "options.EfSearch");
        }

        List<CollectionEngine.Hit> hits = engine.Search(_vectorIndex[property], query, top, options?.Skip ?? 0, filter, DataIndexOf, includeVectors, ef);
        bool similarity = DistanceFunction.IsSimilarity(property.DistanceFunction);
        foreach (CollectionEngine.Hit hit in hits)
        {
            if (options?.ScoreThreshold is { } threshold && (similarity ? hit.Score < threshold : hit.Score > threshold))
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            yield return new VectorSearchResult<TRecord>(ToRecord(hit.Record, includeVectors), hit.Score);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<VectorSearchResult<TRecord>> HybridSearchAsync<TInput>(TInput searchValue, ICollection<string> keywords, int top, HybridSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TInput : notnull
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentNullException.ThrowIfNull(keywords);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        VectorPropertyModel vectorProperty = _model.GetVectorPropertyOrSingle(options?.VectorProperty);
        DataPropertyModel textProperty = _model.GetFullTextPropertyOrSingle(options?.AdditionalProperty);
        float[] query = await ToQueryVectorAsync(vectorProperty, searchValue, cancellationToken).ConfigureAwait(false);
        FilterNode? filter = options?.Filter is { } f ? FilterTranslator.Translate(f, _model) : null;
        bool includeVectors = options?.IncludeVectors ?? false;
        int skip = options?.Skip ?? 0;
        int candidates = Math.Max(2 * (top + skip), 50);

        CollectionEngine engine = Engine;
        List<CollectionEngine.Hit> vectorHits = engine.Search(_vectorIndex[vectorProperty], query, candidates, 0, filter, DataIndexOf, includeVectors);
        List<CollectionEngine.Hit> keywordHits = keywords.Count == 0
            ? []
            : engine.KeywordSearch(DataIndexOf(textProperty), string.Join(' ', keywords), candidates, filter, DataIndexOf, includeVectors);

        var records = new Dictionary<object, EngineRecord>();
        var vectorRanking = new List<object>(vectorHits.Count);
        foreach (CollectionEngine.Hit hit in vectorHits)
        {
            records[hit.Record.Key] = hit.Record;
            vectorRanking.Add(hit.Record.Key);
        }

        var keywordRanking = new List<object>(keywordHits.Count);
        foreach (CollectionEngine.Hit hit in keywordHits)
        {
            records.TryAdd(hit.Record.Key, hit.Record);
            keywordRanking.Add(hit.Record.Key);
        }

        IReadOnlyList<(object Item, double Score)> fused = ReciprocalRankFusion.Fuse<object>(
            [vectorRanking, keywordRanking], _options.HybridRankConstant, [_options.HybridVectorWeight, _options.HybridKeywordWeight]);
        int returned = 0;
        for (int i = skip; i < fused.Count && returned < top; i++)
        {
            if (options?.ScoreThreshold is { } threshold && fused[i].Score < threshold)
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            returned++;
            yield return new VectorSearchResult<TRecord>(ToRecord(records[fused[i].Item], includeVectors), fused[i].Score);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<VectorSearchResult<TRecord>> KeywordSearchAsync(ICollection<string> keywords, int top, KeywordSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keywords);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        DataPropertyModel textProperty = _model.GetFullTextPropertyOrSingle(options?.FullTextProperty);
        FilterNode? filter = options?.Filter is { } f ? FilterTranslator.Translate(f, _model) : null;
        bool includeVectors = options?.IncludeVectors ?? false;
        int skip = options?.Skip ?? 0;
        if (keywords.Count == 0)
        {
            yield break;
        }

        // Async only to match the contract; the search itself is in memory.
        await Task.CompletedTask.ConfigureAwait(false);
        List<CollectionEngine.Hit> hits = Engine.KeywordSearch(DataIndexOf(textProperty), string.Join(' ', keywords), top + skip, filter, DataIndexOf, includeVectors);
        for (int i = skip; i < hits.Count; i++)
        {
            if (options?.ScoreThreshold is { } threshold && hits[i].Score < threshold)
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            yield return new VectorSearchResult<TRecord>(ToRecord(hits[i].Record, includeVectors), hits[i].Score);
        }
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(VectorStoreCollectionMetadata))
        {
            return new VectorStoreCollectionMetadata { VectorStoreSystemName = HnswVectorStore.SystemName, VectorStoreName = _store.RootPath, CollectionName = Name };
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    private int DataIndexOf(DataPropertyModel property) => _dataIndex[property];

    private object Key(object key) => ValueCodec.ToKey(key, _model.KeyProperty.Type);

    private async Task<float[]> ToQueryVectorAsync<TInput>(VectorPropertyModel property, TInput value, CancellationToken cancellationToken)
    {
        switch (value)
        {
            case ReadOnlyMemory<float> or float[] or Embedding<float> or Memory<float>:
                return property.CheckDimensions(VectorTypes.ToFloats(value)!.Value).ToArray();
            case BitArray or BinaryEmbedding:
                return BitsToFloats(property, VectorTypes.ToBits(value)!); // ToBits returns null only for null
            case string when property.EmbeddingGenerator is not null:
                IReadOnlyList<ReadOnlyMemory<float>> embedded = await property.GenerateEmbeddingsAsync([value], cancellationToken).ConfigureAwait(false);
                return embedded[0].ToArray();
            case string:
                throw new NotSupportedException($"Searching with a string needs an embedding generator on vector property '{property.ModelName}' (or the collection / store options).");
            default:
                throw new NotSupportedException($"Search values of type {typeof(TInput).Name} are not supported. Supported: ReadOnlyMemory<float>, float[], Embedding<float>, BitArray, BinaryEmbedding, or string with an embedding generator.");
        }
    }

    private static float[]? ReadVector(VectorPropertyModel property, object? value)
    {
        if (value is null)
        {
            return null;
        }

        if (property.IsBinary)
        {
            return BitsToFloats(property, VectorTypes.ToBits(value)!); // value is not null here
        }

        return property.CheckDimensions(VectorTypes.ToFloats(value)!.Value).ToArray();
    }

    private static float[] BitsToFloats(VectorPropertyModel property, BitArray bits)
    {
        if (bits.Length != property.Dimensions)
        {
            throw new ArgumentException($"The vector property '{property.ModelName}' has {property.Dimensions} bits, but a vector of {bits.Length} was given.");
        }

        var floats = new float[bits.Length];
        for (int i = 0; i < floats.Length; i++)
        {
            floats[i] = bits[i] ? 1f : 0f;
        }

        return floats;
    }

    private TRecord ToRecord(EngineRecord stored, bool includeVectors)
    {
        object record = _model.CreateRecord();
        // Stored keys are never null, and ConvertTo returns null only for null.
        object key = _model.KeyProperty.Type == typeof(object) ? stored.Key : ValueCodec.ConvertTo(stored.Key, _model.KeyProperty.Type)!;
        _model.KeyProperty.SetValue(record, key);
        foreach (DataPropertyModel property in _model.DataProperties)
        {
            object? value = ValueCodec.ConvertTo(stored.Data[_dataIndex[property]], property.Type);
            if (value is not null || _model.IsDynamic || !property.Type.IsValueType || Nullable.GetUnderlyingType(property.Type) is not null)
            {
                property.SetValue(record, value);
            }
        }

        if (includeVectors)
        {
            foreach (VectorPropertyModel property in _model.VectorProperties)
            {
                if (stored.Vectors[_vectorIndex[property]] is not { } vector || property.RequiresEmbedding)
                {
                    continue;
                }

                object? value;
                if (property.IsBinary)
                {
                    var bits = new BitArray(vector.Length);
                    for (int i = 0; i < vector.Length; i++)
                    {
                        bits[i] = vector[i] != 0f;
                    }

                    value = VectorTypes.FromBits(bits, property.Type);
                }
                else
                {
                    value = VectorTypes.FromFloats(vector, property.Type);
                }

                property.SetValue(record, value);
            }
        }

        return (TRecord)record;
    }
}
