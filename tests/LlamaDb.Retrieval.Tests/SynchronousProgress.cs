namespace LlamaDb.Retrieval.Tests;

/// <summary>An <see cref="IProgress{T}"/> that records reports on the calling thread (Progress&lt;T&gt; posts them later).</summary>
internal sealed class SynchronousProgress<T> : IProgress<T>
{
    private readonly Lock _lock = new();
    private readonly List<T> _items = [];

    public IReadOnlyList<T> Items
    {
        get
        {
            lock (_lock)
            {
                return [.. _items];
            }
        }
    }

    public void Report(T value)
    {
        lock (_lock)
        {
            _items.Add(value);
        }
    }
}
