namespace LlamaDb.Embedders;

/// <summary>A thread-safe least-recently-used map from string keys, bounded by entry count and optionally by total size.</summary>
/// <typeparam name="TValue">The value type.</typeparam>
internal sealed class LruCache<TValue>
    where TValue : class
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _map = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new(); // first = most recently used
    private readonly int _maxEntries;
    private readonly long? _maxBytes;
    private long _bytes;

    public LruCache(int maxEntries, long? maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntries);
        if (maxBytes is { } bytes)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes, nameof(maxBytes));
        }

        _maxEntries = maxEntries;
        _maxBytes = maxBytes;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _map.Count;
            }
        }
    }

    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    public bool TryGet(string key, out TValue? value)
    {
        lock (_gate)
        {
            if (_map.TryGetValue(key, out LinkedListNode<Entry>? node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>Adds or replaces <paramref name="key"/>, then evicts least recently used entries until within bounds.</summary>
    /// <returns><see langword="false"/> when the value alone exceeds the byte bound and was not stored.</returns>
    public bool Set(string key, TValue value, long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        lock (_gate)
        {
            if (_map.Remove(key, out LinkedListNode<Entry>? existing))
            {
                _recency.Remove(existing);
                _bytes -= existing.Value.Size;
            }

            if (size > _maxBytes)
            {
                return false;
            }

            _map.Add(key, _recency.AddFirst(new Entry(key, value, size)));
            _bytes += size;
            while (_map.Count > _maxEntries || _bytes > _maxBytes)
            {
                LinkedListNode<Entry> last = _recency.Last!; // non-empty: the map holds at least the new entry
                _recency.RemoveLast();
                _map.Remove(last.Value.Key);
                _bytes -= last.Value.Size;
            }

            return true;
        }
    }

    private readonly record struct Entry(string Key, TValue Value, long Size);
}
