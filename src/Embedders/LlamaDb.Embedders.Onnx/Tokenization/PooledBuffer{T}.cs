using System.Buffers;
using System.Runtime.CompilerServices;

namespace LlamaDb.Embedders.Onnx.Tokenization;

/// <summary>
/// A growable list over an <see cref="ArrayPool{T}"/> array. A mutable struct: pass it by <see langword="ref"/> and
/// call <see cref="Dispose"/> exactly once, in a <see langword="finally"/> block.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal struct PooledBuffer<T> : IDisposable
{
    private T[] _items;
    private int _count;

    public PooledBuffer(int initialCapacity)
    {
        _items = ArrayPool<T>.Shared.Rent(Math.Max(initialCapacity, 16));
        _count = 0;
    }

    public readonly int Count => _count;

    public readonly Span<T> Span => _items.AsSpan(0, _count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(T item)
    {
        if (_count == _items.Length)
        {
            Grow(_count + 1);
        }

        _items[_count++] = item;
    }

    public void Append(ReadOnlySpan<T> items)
    {
        if (_count + items.Length > _items.Length)
        {
            Grow(_count + items.Length);
        }

        items.CopyTo(_items.AsSpan(_count));
        _count += items.Length;
    }

    /// <summary>Makes room for <paramref name="length"/> elements and returns the whole writable array area.</summary>
    public Span<T> GetWritableSpan(int length)
    {
        if (length > _items.Length)
        {
            Grow(length);
        }

        return _items.AsSpan(0, length);
    }

    /// <summary>Sets the count after writing through <see cref="GetWritableSpan"/> or to drop trailing items.</summary>
    public void SetCount(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)count, (uint)_items.Length, nameof(count));
        _count = count;
    }

    public void Clear() => _count = 0;

    public void Dispose()
    {
        T[] items = _items;
        _items = [];
        _count = 0;
        if (items.Length != 0)
        {
            ArrayPool<T>.Shared.Return(items);
        }
    }

    private void Grow(int minimum)
    {
        int newCapacity = (int)Math.Min(Math.Max((long)_items.Length * 2, minimum), Array.MaxLength);
        if (newCapacity < minimum)
        {
            throw new OutOfMemoryException();
        }

        T[] larger = ArrayPool<T>.Shared.Rent(newCapacity);
        _items.AsSpan(0, _count).CopyTo(larger);
        if (_items.Length != 0)
        {
            ArrayPool<T>.Shared.Return(_items);
        }

        _items = larger;
    }
}
