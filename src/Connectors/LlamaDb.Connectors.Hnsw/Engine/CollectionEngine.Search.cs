using System.Buffers;
using LlamaDb.Connectors.Hnsw.FullText;
using LlamaDb.Connectors.Hnsw.Indexing;
using LlamaDb.VectorData;
using LlamaDb.VectorData.ProviderServices;
using LlamaDb.VectorData.ProviderServices.Filter;

namespace LlamaDb.Connectors.Hnsw.Engine;

/// <summary>Searches: vector (with filters that keep recall), keyword (BM25), and filtered scans.</summary>
internal sealed partial class CollectionEngine
{
    /// <summary>At or below this many matching records a filtered search is exact over the matches.</summary>
    internal const int ExactFilterThreshold = 2048;

    /// <summary>A hit: the record and its score under the property's distance function.</summary>
    internal readonly record struct Hit(EngineRecord Record, double Score);

    /// <summary>Vector search on property <paramref name="vectorIndex"/>; results best first, skip applied.</summary>
    public List<Hit> Search(int vectorIndex, float[] query, int top, int skip, FilterNode? filter, Func<DataPropertyModel, int> dataIndexOf, bool includeVectors, int? ef = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        SchemaProperty property = Schema.Vectors[vectorIndex];
        if (query.Length != property.Dimensions)
        {
            throw new ArgumentException($"The vector property '{property.Name}' has {property.Dimensions} dimensions, but the query vector has {query.Length}.");
        }

        float[] q = Normalizes(vectorIndex) ? NormalizeCopy(query) : query;
        int k = top + skip;
        var hits = new List<Hit>(top);
        if (k == 0)
        {
            return hits;
        }

        VectorMatch[] buffer = ArrayPool<VectorMatch>.Shared.Rent(k);
        _state.EnterReadLock();
        try
        {
            IVectorIndex index = _vectorIndexes[vectorIndex];
            int found;
            if (filter is null)
            {
                found = index.Search(q, k, buffer, ef is null ? null : Math.Max(ef.Value, k));
            }
            else
            {
                (SlotSet matches, int count) = Match(filter, dataIndexOf);
                if (count == 0)
                {
                    return hits;
                }

                if (count <= ExactFilterThreshold)
                {
                    found = index.SearchExact(q, k, matches.ToArray(), buffer);
                }
                else
                {
                    // Traversal keeps routing through filtered-out nodes; widen the candidate list by the selectivity.
                    int live = Math.Max(1, _slotsByKey.Count);
                    int widen = Math.Clamp(live / count, 1, 16);
                    int width = Math.Max(ef ?? Schema.EfSearch, k) * widen;
                    found = index.Search(q, k, buffer, width, matches);
                }
            }

            for (int i = skip; i < found; i++)
            {
                if (Materialize(buffer[i].Id, includeVectors) is { } record)
                {
                    // Vector properties always carry a distance function in collection.json (only data properties leave it null).
                    hits.Add(new Hit(record, ToScore(property.DistanceFunction!, buffer[i].Distance)));
                }
            }

            return hits;
        }
        finally
        {
            _state.ExitReadLock();
            ArrayPool<VectorMatch>.Shared.Return(buffer);
        }
    }

    /// <summary>Keyword (BM25) search on full-text property <paramref name="dataIndex"/>, best first.</summary>
    public List<Hit> KeywordSearch(int dataIndex, string query, int top, FilterNode? filter, Func<DataPropertyModel, int> dataIndexOf, bool includeVectors)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var hits = new List<Hit>(top);
        if (top == 0)
        {
            return hits;
        }

        TextMatch[] buffer = ArrayPool<TextMatch>.Shared.Rent(top);
        _state.EnterReadLock();
        try
        {
            // Read under the lock: compaction swaps (and disposes) the full-text indexes under the write lock.
            Bm25Index text = _textIndexes[dataIndex] ?? throw new InvalidOperationException($"Data property '{Schema.Data[dataIndex].Name}' is not full-text indexed.");
            SlotSet? matches = filter is null ? null : Match(filter, dataIndexOf).Matches;
            int found = text.Search(query, top, buffer, matches);
            for (int i = 0; i < found; i++)
            {
                if (Materialize(buffer[i].DocId, includeVectors) is { } record)
                {
                    hits.Add(new Hit(record, buffer[i].Score));
                }
            }

            return hits;
        }
        finally
        {
            _state.ExitReadLock();
            ArrayPool<TextMatch>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Up to <paramref name="top"/> live records from slot <paramref name="fromSlot"/> on, in slot order, and the slot to
    /// continue from: one pass over the collection in pages, for bulk copies (a filtered <see cref="Scan"/> with a skip
    /// would rescan the skipped slots for every page).
    /// </summary>
    public (List<EngineRecord> Records, int NextSlot) ScanFrom(int fromSlot, int top, bool includeVectors)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(fromSlot);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        var results = new List<EngineRecord>(Math.Min(top, 1024));
        _state.EnterReadLock();
        try
        {
            int slot = fromSlot;
            for (; slot < _slotLimit && results.Count < top; slot++)
            {
                if (Materialize(slot, includeVectors) is { } record)
                {
                    results.Add(record);
                }
            }

            return (results, slot);
        }
        finally
        {
            _state.ExitReadLock();
        }
    }

    /// <summary>Records matching <paramref name="filter"/> in slot order, after <paramref name="skip"/>, at most <paramref name="top"/>.</summary>
    public List<EngineRecord> Scan(FilterNode filter, int top, int skip, Func<DataPropertyModel, int> dataIndexOf, bool includeVectors)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var results = new List<EngineRecord>();
        _state.EnterReadLock();
        try
        {
            (SlotSet matches, _) = Match(filter, dataIndexOf);
            int skipped = 0;
            foreach (int slot in matches.Slots())
            {
                if (skipped++ < skip)
                {
                    continue;
                }

                if (results.Count >= top)
                {
                    break;
                }

                if (Materialize(slot, includeVectors) is { } record)
                {
                    results.Add(record);
                }
            }

            return results;
        }
        finally
        {
            _state.ExitReadLock();
        }
    }

    /// <summary>The slots matching a filter (call under the read lock). Uses payload indexes for equality and
    /// 'in' on <c>IsIndexed</c> properties inside an AND chain; otherwise scans the records.</summary>
    private (SlotSet Matches, int Count) Match(FilterNode filter, Func<DataPropertyModel, int> dataIndexOf)
    {
        var set = new SlotSet(_slotLimit);
        IEnumerable<int> candidates = CandidatesFromIndexes(filter, dataIndexOf) ?? AllSlots();
        int count = 0;
        foreach (int slot in candidates)
        {
            EngineRecord? record = _records[slot];
            if (record is not null && FilterEvaluator.Evaluate(filter, p => ValueOf(record, p, dataIndexOf)))
            {
                set.Add(slot);
                count++;
            }
        }

        return (set, count);
    }

    private IEnumerable<int> AllSlots()
    {
        for (int slot = 0; slot < _slotLimit; slot++)
        {
            yield return slot;
        }
    }

    private IEnumerable<int>? CandidatesFromIndexes(FilterNode filter, Func<DataPropertyModel, int> dataIndexOf)
    {
        switch (filter)
        {
            case ComparisonFilter { Operator: ComparisonOperator.Equal, Value: not null } equal when equal.Property is DataPropertyModel data && _payloadIndexes[dataIndexOf(data)] is { } index:
                return index.TryGetValue(PayloadKey(equal.Value), out HashSet<int>? slots) ? [.. slots] : [];
            case ContainsFilter { Value: not null } contains when contains.Property is DataPropertyModel data && data.Type != typeof(string) && _payloadIndexes[dataIndexOf(data)] is { } index:
                return index.TryGetValue(PayloadKey(contains.Value), out HashSet<int>? listSlots) ? [.. listSlots] : [];
            case InFilter @in when @in.Property is DataPropertyModel data && _payloadIndexes[dataIndexOf(data)] is { } index:
                var union = new HashSet<int>();
                foreach (object? value in @in.Values)
                {
                    if (value is not null && index.TryGetValue(PayloadKey(value), out HashSet<int>? valueSlots))
                    {
                        union.UnionWith(valueSlots);
                    }
                }

                return union.Order();
            case AndFilter and:
                return CandidatesFromIndexes(and.Left, dataIndexOf) ?? CandidatesFromIndexes(and.Right, dataIndexOf);
            default:
                return null;
        }
    }

    private static object? ValueOf(EngineRecord record, PropertyModel property, Func<DataPropertyModel, int> dataIndexOf) => property switch
    {
        KeyPropertyModel => record.Key,
        DataPropertyModel data => record.Data[dataIndexOf(data)],
        _ => null,
    };

    /// <summary>Index distance → the VectorData score of the distance function.</summary>
    internal static double ToScore(string distanceFunction, float distance) => distanceFunction switch
    {
        DistanceFunction.CosineSimilarity or DistanceFunction.DotProductSimilarity => 1.0 - distance,
        DistanceFunction.NegativeDotProductSimilarity => distance - 1.0,
        DistanceFunction.EuclideanDistance => Math.Sqrt(Math.Max(0f, distance)),
        _ => distance,
    };
}

/// <summary>A set of slots as a bit set, usable as an index filter during traversal.</summary>
internal sealed class SlotSet(int capacity) : IIdFilter, IDocFilter
{
    private readonly ulong[] _bits = new ulong[(Math.Max(capacity, 1) + 63) / 64];

    public void Add(int slot) => _bits[slot >> 6] |= 1UL << (slot & 63);

    public bool Matches(int id) => (uint)(id >> 6) < (uint)_bits.Length && (_bits[id >> 6] & (1UL << (id & 63))) != 0;

    public IEnumerable<int> Slots()
    {
        for (int word = 0; word < _bits.Length; word++)
        {
            ulong bits = _bits[word];
            while (bits != 0)
            {
                int bit = System.Numerics.BitOperations.TrailingZeroCount(bits);
                yield return (word << 6) + bit;
                bits &= bits - 1;
            }
        }
    }

    public int[] ToArray() => [.. Slots()];
}
