namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>A small pool of <see cref="SearchContext"/>s, one in use per concurrent search or insert.</summary>
internal sealed class SearchContextPool
{
    private readonly Stack<SearchContext> _free = new();
    private readonly int _maxDegree;

    /// <summary>Creates a pool whose contexts hold neighbour lists of up to <paramref name="maxDegree"/> ids.</summary>
    public SearchContextPool(int maxDegree) => _maxDegree = maxDegree;

    /// <summary>Takes a context and starts it for <paramref name="capacity"/> id slots.</summary>
    public SearchContext Rent(int capacity)
    {
        SearchContext? context = null;
        lock (_free)
        {
            _free.TryPop(out context);
        }

        context ??= new SearchContext(capacity, _maxDegree);
        context.Begin(capacity);
        return context;
    }

    /// <summary>Returns a context to the pool.</summary>
    public void Return(SearchContext context)
    {
        lock (_free)
        {
            _free.Push(context);
        }
    }
}
