using System.Collections;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using LlamaDb.VectorData.ProviderServices;
using LlamaDb.VectorData.ProviderServices.Filter;
using Microsoft.Extensions.AI;

namespace LlamaDb.VectorData.Tests.Conformance;

/// <summary>A collection of <see cref="InMemoryVectorStore"/>: exact (brute-force) search, keyword ranking by term counts.</summary>
internal sealed class InMemoryCollection<TKey, TRecord> : VectorStoreCollection<TKey, TRecord>, IKeywordHybridSearchable<TRecord>
    where TKey : notnull
    where TRecord : class
{
    private readonly InMemoryVectorStore _store;
    private readonly CollectionModel _model;

    public InMemoryCollection(InMemoryVectorStore store, string name, VectorStoreCollectionDefinition? definition, IEmbeddingGenerator? embeddingGenerator)
    {
        InMemoryVectorStore.ValidateName(name);
        _store = store;
        Name = name;
        _model = CollectionModelBuilder.Build(typeof(TRecord), definition, embeddingGenerator);
    }

    public override string Name { get; }

    private InMemoryCollectionData Data => _store.Collections.TryGetValue(Name, out InMemoryCollectionData? data)
        ? data
        : throw new VectorStoreException($"The collection '{Name}' does not exist.") { CollectionName = Name };

    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) => Task.FromResult(_store.Collections.ContainsKey(Name));

    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        _store.Collections.GetOrAdd(Name, _ => new InMemoryCollectionData());
        return Task.CompletedTask;
    }

    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default) => _store.EnsureCollectionDeletedAsync(Name, cancellationToken);

    public override Task<TRecord?> GetAsync(TKey key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        InMemoryCollectionData data = Data;
        lock (data.Lock)
        {
            return Task.FromResult(data.Records.TryGetValue(key, out Dictionary<string, object?>? stored) ? Materialize(stored, options?.IncludeVectors ?? false) : null);
        }
    }

    public override async IAsyncEnumerable<TRecord> GetAsync(Expression<Func<TRecord, bool>> filter, int top, FilteredRecordRetrievalOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        FilterNode node = FilterTranslator.Translate(filter, _model);
        await Task.Yield();
        foreach (Dictionary<string, object?> stored in Snapshot().Where(s => Matches(node, s)).Skip(options?.Skip ?? 0).Take(top))
        {
            yield return Materialize(stored, options?.IncludeVectors ?? false);
        }
    }

    public override Task DeleteAsync(TKey key, CancellationToken cancellationToken = default)
    {
        InMemoryCollectionData data = Data;
        lock (data.Lock)
        {
            data.Records.Remove(key);
        }

        return Task.CompletedTask;
    }

    public override Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default) => UpsertAsync([record], cancellationToken);

    public override async Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        List<TRecord> batch = [.. records];
        InMemoryCollectionData data = Data;
        var embedded = new Dictionary<VectorPropertyModel, IReadOnlyList<ReadOnlyMemory<float>>>();
        foreach (VectorPropertyModel vector in _model.VectorProperties.Where(v => v.RequiresEmbedding))
        {
            if (batch.Count > 0)
            {
                embedded[vector] = await vector.GenerateEmbeddingsAsync([.. batch.Select(vector.GetValue)], cancellationToken);
            }
        }

        var rows = new List<(object Key, Dictionary<string, object?> Values)>();
        for (int i = 0; i < batch.Count; i++)
        {
            object key = _model.KeyProperty.GetValue(batch[i]) ?? throw new ArgumentException($"Record {i} has no key.", nameof(records));
            var values = new Dictionary<string, object?>(StringComparer.Ordinal) { [_model.KeyProperty.ModelName] = key };
            foreach (DataPropertyModel property in _model.DataProperties)
            {
                values[property.ModelName] = Copy(property.GetValue(batch[i]), property.Type);
            }

            foreach (VectorPropertyModel vector in _model.VectorProperties)
            {
                values[vector.ModelName] = vector.RequiresEmbedding ? embedded[vector][i].ToArray() : StoreVector(vector, vector.GetValue(batch[i]));
            }

            rows.Add((key, values));
        }

        lock (data.Lock)
        {
            foreach ((object key, Dictionary<string, object?> values) in rows)
            {
                data.Records[key] = values;
            }
        }
    }

    public override async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(TInput searchValue, int top, VectorSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        options ??= new VectorSearchOptions<TRecord>();
        VectorPropertyModel vector = _model.GetVectorPropertyOrSingle(options.VectorProperty);
        object query = await QueryVectorAsync(vector, searchValue, cancellationToken);
        FilterNode? filter = options.Filter is null ? null : FilterTranslator.Translate(options.Filter, _model);
        bool similarity = DistanceFunction.IsSimilarity(vector.DistanceFunction);
        foreach ((Dictionary<string, object?> stored, double score) in Rank(vector, query, filter)
            .Where(r => options.ScoreThreshold is not { } threshold || (similarity ? r.Score >= threshold : r.Score <= threshold))
            .Skip(options.Skip)
            .Take(top))
        {
            yield return new VectorSearchResult<TRecord>(Materialize(stored, options.IncludeVectors), score);
        }
    }

    public async IAsyncEnumerable<VectorSearchResult<TRecord>> HybridSearchAsync<TInput>(TInput searchValue, ICollection<string> keywords, int top, HybridSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TInput : notnull
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        options ??= new HybridSearchOptions<TRecord>();
        VectorPropertyModel vector = _model.GetVectorPropertyOrSingle(options.VectorProperty);
        DataPropertyModel text = _model.GetFullTextPropertyOrSingle(options.AdditionalProperty);
        object query = await QueryVectorAsync(vector, searchValue, cancellationToken);
        FilterNode? filter = options.Filter is null ? null : FilterTranslator.Translate(options.Filter, _model);
        List<Dictionary<string, object?>> byVector = [.. Rank(vector, query, filter).Select(r => r.Stored)];
        HashSet<string> terms = [.. keywords.Select(k => k.ToLowerInvariant())];
        List<Dictionary<string, object?>> byKeyword =
        [
            .. byVector
                .Select(stored => (Stored: stored, Hits: ((string?)stored[text.ModelName] ?? "").ToLowerInvariant().Split(' ').Count(terms.Contains)))
                .Where(r => r.Hits > 0)
                .OrderByDescending(r => r.Hits)
                .Select(r => r.Stored),
        ];
        foreach ((Dictionary<string, object?> stored, double score) in ReciprocalRankFusion.Fuse<Dictionary<string, object?>>([byVector, byKeyword], comparer: ReferenceEqualityComparer.Instance)
            .Where(r => options.ScoreThreshold is not { } threshold || r.Score >= threshold)
            .Skip(options.Skip)
            .Take(top))
        {
            yield return new VectorSearchResult<TRecord>(Materialize(stored, options.IncludeVectors), score);
        }
    }

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(VectorStoreCollectionMetadata)
            ? new VectorStoreCollectionMetadata { VectorStoreSystemName = "inmemory", CollectionName = Name }
            : null;

    private List<Dictionary<string, object?>> Snapshot()
    {
        InMemoryCollectionData data = Data;
        lock (data.Lock)
        {
            return [.. data.Records.Values];
        }
    }

    private static bool Matches(FilterNode? filter, Dictionary<string, object?> stored) =>
        filter is null || FilterEvaluator.Evaluate(filter, p => stored.GetValueOrDefault(p.ModelName));

    private IEnumerable<(Dictionary<string, object?> Stored, double Score)> Rank(VectorPropertyModel vector, object query, FilterNode? filter)
    {
        var scored = Snapshot().Where(s => Matches(filter, s)).Select(s => (Stored: s, Score: Score(vector, query, s[vector.ModelName]!))).ToList();
        return DistanceFunction.IsSimilarity(vector.DistanceFunction) ? scored.OrderByDescending(r => r.Score) : scored.OrderBy(r => r.Score);
    }

    private static async Task<object> QueryVectorAsync<TInput>(VectorPropertyModel vector, TInput searchValue, CancellationToken cancellationToken)
    {
        if (vector.IsBinary)
        {
            BitArray bits = VectorTypes.ToBits(searchValue)!;
            return bits.Length == vector.Dimensions ? bits : throw new ArgumentException($"Expected {vector.Dimensions} bits.", nameof(searchValue));
        }

        if (searchValue is string text && vector.RequiresEmbedding)
        {
            return (await vector.GenerateEmbeddingsAsync([text], cancellationToken))[0].ToArray();
        }

        return vector.CheckDimensions(VectorTypes.ToFloats(searchValue)!.Value).ToArray();
    }

    private static double Score(VectorPropertyModel vector, object query, object stored)
    {
        if (query is BitArray bits)
        {
            var other = (BitArray)stored;
            int differing = 0;
            for (int i = 0; i < bits.Length; i++)
            {
                differing += bits[i] != other[i] ? 1 : 0;
            }

            return differing;
        }

        float[] a = (float[])query, b = (float[])stored;
        double dot = 0, aa = 0, bb = 0, squared = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
            squared += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
        }

        return vector.DistanceFunction switch
        {
            DistanceFunction.CosineSimilarity => dot / Math.Sqrt(aa * bb),
            DistanceFunction.CosineDistance => 1 - (dot / Math.Sqrt(aa * bb)),
            DistanceFunction.DotProductSimilarity => dot,
            DistanceFunction.NegativeDotProductSimilarity => -dot,
            DistanceFunction.EuclideanDistance => Math.Sqrt(squared),
            DistanceFunction.EuclideanSquaredDistance => squared,
            _ => throw new NotSupportedException(vector.DistanceFunction),
        };
    }

    private static object? StoreVector(VectorPropertyModel vector, object? value)
    {
        if (vector.IsBinary)
        {
            BitArray? bits = VectorTypes.ToBits(value);
            return bits is null ? null : bits.Length == vector.Dimensions ? new BitArray(bits) : throw new ArgumentException($"'{vector.ModelName}' needs {vector.Dimensions} bits.");
        }

        ReadOnlyMemory<float>? floats = VectorTypes.ToFloats(value);
        return floats is null ? null : vector.CheckDimensions(floats.Value).ToArray();
    }

    private TRecord Materialize(Dictionary<string, object?> stored, bool includeVectors)
    {
        object record = _model.CreateRecord();
        _model.KeyProperty.SetValue(record, stored[_model.KeyProperty.ModelName]);
        foreach (DataPropertyModel property in _model.DataProperties)
        {
            property.SetValue(record, Copy(stored[property.ModelName], property.Type));
        }

        if (includeVectors)
        {
            foreach (VectorPropertyModel vector in _model.VectorProperties.Where(v => !v.RequiresEmbedding))
            {
                vector.SetValue(record, stored[vector.ModelName] switch
                {
                    null => null,
                    BitArray bits => VectorTypes.FromBits(new BitArray(bits), vector.Type),
                    float[] floats => VectorTypes.FromFloats(floats.ToArray(), vector.Type),
                    _ => throw new InvalidOperationException("Unknown stored vector."),
                });
            }
        }

        return (TRecord)record;
    }

    /// <summary>Copies arrays and lists so stored data never aliases caller objects.</summary>
    private static object? Copy(object? value, Type type) => value switch
    {
        null or string => value,
        Array array => array.Clone(),
        IList list when type.IsGenericType => Activator.CreateInstance(typeof(List<>).MakeGenericType(type.GetGenericArguments()[0]), list),
        _ => value,
    };
}
