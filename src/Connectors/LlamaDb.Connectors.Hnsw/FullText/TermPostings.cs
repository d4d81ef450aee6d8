namespace LlamaDb.Connectors.Hnsw.FullText;

/// <summary>
/// The postings of one term: (document, term frequency) entries sorted by document id. Removing a document marks its
/// entry dead (tf 0) so the next upsert of that document can revive it in place; the list is compacted once dead
/// entries pass a quarter of it, and its array shrinks when mostly empty.
/// </summary>
/// <remarks>Not thread-safe; <see cref="Bm25Index"/> guards it with its lock.</remarks>
internal sealed class TermPostings
{
    private const int InitialCapacity = 4;

    private Posting[] _items;

    /// <summary>Creates an empty list for <paramref name="term"/> with room for <paramref name="capacity"/> entries.</summary>
    public TermPostings(string term, int capacity = InitialCapacity)
    {
        Term = term;
        _items = new Posting[Math.Max(capacity, 1)];
    }

    /// <summary>Gets the term.</summary>
    public string Term { get; }

    /// <summary>Gets the entries, dead ones included, sorted by document id.</summary>
    public ReadOnlySpan<Posting> Items => _items.AsSpan(0, Count);

    /// <summary>Gets the number of entries, dead ones included.</summary>
    public int Count { get; private set; }

    /// <summary>Gets the number of live entries: the document frequency.</summary>
    public int Live { get; private set; }

    /// <summary>Gets the length of the backing array.</summary>
    public int Capacity => _items.Length;

    /// <summary>Gets whether dead entries are over a quarter of the list.</summary>
    public bool NeedsCompaction => Count - Live > Count / 4;

    /// <summary>Adds the entry of <paramref name="docId"/>, which must not have a live one.</summary>
    public void Add(int docId, int tf)
    {
        if (Count == 0 || _items[Count - 1].DocId < docId)
        {
            EnsureCapacity(Count + 1);
            _items[Count] = new Posting(docId, tf);
            Count++;
            Live++;
            return;
        }

        int index = IndexOf(docId);
        if (index >= 0)
        {
            if (_items[index].Tf != 0)
            {
                throw new InvalidOperationException($"Document {docId} already has a posting for term '{Term}'.");
            }

            _items[index] = new Posting(docId, tf);
            Live++;
            return;
        }

        index = ~index;
        EnsureCapacity(Count + 1);
        Array.Copy(_items, index, _items, index + 1, Count - index);
        _items[index] = new Posting(docId, tf);
        Count++;
        Live++;
    }

    /// <summary>Marks the live entry of <paramref name="docId"/> dead.</summary>
    public void Kill(int docId)
    {
        int index = IndexOf(docId);
        if (index < 0 || _items[index].Tf == 0)
        {
            throw new InvalidOperationException($"Document {docId} has no live posting for term '{Term}'.");
        }

        _items[index] = new Posting(docId, 0);
        Live--;
    }

    /// <summary>Drops dead entries and shrinks the array when it is mostly empty.</summary>
    public void Compact()
    {
        int kept = 0;
        for (int i = 0; i < Count; i++)
        {
            Posting posting = _items[i];
            if (posting.Tf != 0)
            {
                _items[kept++] = posting;
            }
        }

        Count = kept;
        if (_items.Length > InitialCapacity && _items.Length > 2 * Count)
        {
            Array.Resize(ref _items, Math.Max(InitialCapacity, Count + (Count >> 2)));
        }
        else
        {
            Array.Clear(_items, Count, _items.Length - Count);
        }
    }

    /// <summary>Appends an entry while loading; the caller guarantees increasing document ids.</summary>
    public void AppendLoaded(int docId, int tf)
    {
        EnsureCapacity(Count + 1);
        _items[Count] = new Posting(docId, tf);
        Count++;
        Live++;
    }

    private int IndexOf(int docId)
    {
        int low = 0;
        int high = Count - 1;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            int middleId = _items[middle].DocId;
            if (middleId == docId)
            {
                return middle;
            }

            if (middleId < docId)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }

    private void EnsureCapacity(int capacity)
    {
        if (capacity > _items.Length)
        {
            int grown = (int)Math.Min((long)_items.Length * 2, Array.MaxLength);
            Array.Resize(ref _items, Math.Max(capacity, grown));
        }
    }
}
