using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>
/// A binary max-heap of (distance, id) pairs on a reusable array: the bounded result list of a search (worst on
/// top) or, with negated distances, its candidate queue (best on top). Grows only when a search needs it to.
/// </summary>
internal sealed class DistanceHeap
{
    private Entry[] _items;
    private int _count;

    /// <summary>Creates a heap with room for <paramref name="capacity"/> entries.</summary>
    public DistanceHeap(int capacity) => _items = new Entry[Math.Max(capacity, 16)];

    /// <summary>Gets the number of entries.</summary>
    public int Count => _count;

    /// <summary>Gets the largest distance (the heap must not be empty).</summary>
    public float TopDistance => _items[0].Distance;

    /// <summary>Gets the id with the largest distance (the heap must not be empty).</summary>
    public int TopId => _items[0].Id;

    /// <summary>Removes every entry.</summary>
    public void Clear() => _count = 0;

    /// <summary>Adds an entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 and its instrumentation, which short runs would otherwise spend most of their time in
    public void Push(float distance, int id)
    {
        if (_count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        ref Entry items = ref MemoryMarshal.GetArrayDataReference(_items);
        int i = _count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            Entry p = Unsafe.Add(ref items, parent);
            if (p.Distance >= distance)
            {
                break;
            }

            Unsafe.Add(ref items, i) = p;
            i = parent;
        }

        Unsafe.Add(ref items, i) = new Entry(distance, id);
    }

    /// <summary>Removes the entry with the largest distance (the heap must not be empty).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 and its instrumentation, which short runs would otherwise spend most of their time in
    public void Pop()
    {
        ref Entry items = ref MemoryMarshal.GetArrayDataReference(_items);
        int count = --_count;
        if (count == 0)
        {
            return;
        }

        Entry last = Unsafe.Add(ref items, count);
        int i = 0;
        while (true)
        {
            int child = (2 * i) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && Unsafe.Add(ref items, child + 1).Distance > Unsafe.Add(ref items, child).Distance)
            {
                child++;
            }

            if (Unsafe.Add(ref items, child).Distance <= last.Distance)
            {
                break;
            }

            Unsafe.Add(ref items, i) = Unsafe.Add(ref items, child);
            i = child;
        }

        Unsafe.Add(ref items, i) = last;
    }

    /// <summary>Empties the heap into <paramref name="ids"/>/<paramref name="distances"/> in ascending distance order; returns the count.</summary>
    public int DrainAscending(Span<int> ids, Span<float> distances)
    {
        int n = _count;
        for (int i = n - 1; i >= 0; i--)
        {
            ids[i] = _items[0].Id;
            distances[i] = _items[0].Distance;
            Pop();
        }

        return n;
    }

    private readonly record struct Entry(float Distance, int Id);
}
