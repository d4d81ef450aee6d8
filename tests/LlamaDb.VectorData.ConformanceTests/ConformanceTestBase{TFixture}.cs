namespace LlamaDb.VectorData.ConformanceTests;

/// <summary>
/// The base of every conformance test class: gives each test fresh, uniquely named collections and deletes them when
/// the test ends, whether it passed or not.
/// </summary>
/// <typeparam name="TFixture">The connector's fixture.</typeparam>
public abstract class ConformanceTestBase<TFixture> : IClassFixture<TFixture>, IAsyncLifetime
    where TFixture : VectorStoreFixture
{
    private readonly List<string> _names = [];
    private readonly List<IDisposable> _collections = [];

    /// <summary>Creates the test class with the connector's fixture.</summary>
    protected ConformanceTestBase(TFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        Fixture = fixture;
    }

    /// <summary>The connector's fixture.</summary>
    protected TFixture Fixture { get; }

    /// <summary>The store under test.</summary>
    protected VectorStore Store => Fixture.Store;

    /// <summary>A new unique collection name (a letter and 19 hex digits), deleted when the test ends.</summary>
    protected string NewCollectionName()
    {
        string name = $"c{Guid.NewGuid():N}"[..20];
        _names.Add(name);
        return name;
    }

    /// <summary>Remembers <paramref name="collection"/> so it is disposed when the test ends.</summary>
    protected T Track<T>(T collection)
        where T : IDisposable
    {
        _collections.Add(collection);
        return collection;
    }

    /// <summary>Gets a new collection (not yet created in the store).</summary>
    protected VectorStoreCollection<TKey, TRecord> GetCollection<TKey, TRecord>(VectorStoreCollectionDefinition? definition = null)
        where TKey : notnull
        where TRecord : class =>
        Track(Store.GetCollection<TKey, TRecord>(NewCollectionName(), definition));

    /// <summary>Gets and creates a new collection.</summary>
    protected async Task<VectorStoreCollection<TKey, TRecord>> CreateCollectionAsync<TKey, TRecord>(VectorStoreCollectionDefinition? definition = null)
        where TKey : notnull
        where TRecord : class
    {
        VectorStoreCollection<TKey, TRecord> collection = GetCollection<TKey, TRecord>(definition);
        await collection.EnsureCollectionExistsAsync();
        return collection;
    }

    /// <summary>Gets and creates a new dynamic collection.</summary>
    protected async Task<VectorStoreCollection<object, Dictionary<string, object?>>> CreateDynamicCollectionAsync(VectorStoreCollectionDefinition definition)
    {
        VectorStoreCollection<object, Dictionary<string, object?>> collection = Track(Store.GetDynamicCollection(NewCollectionName(), definition));
        await collection.EnsureCollectionExistsAsync();
        return collection;
    }

    /// <summary>Nothing to set up; collections are created by each test.</summary>
    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Disposes the test's collection objects and deletes its collections.</summary>
    public virtual async Task DisposeAsync()
    {
        foreach (IDisposable collection in _collections)
        {
            collection.Dispose();
        }

        foreach (string name in _names)
        {
            await Store.EnsureCollectionDeletedAsync(name);
        }
    }
}
