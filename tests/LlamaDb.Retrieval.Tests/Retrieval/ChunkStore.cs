using LlamaDb.Connectors.Hnsw;
using LlamaDb.VectorData;

namespace LlamaDb.Retrieval.Tests.Retrieval;

/// <summary>A real embedded store in a temporary folder holding a small chunk corpus, embedded by the test embedder.</summary>
public sealed class ChunkStore : IDisposable
{
    public const int Dimensions = 256;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "llamadb-retrieval-tests", Guid.NewGuid().ToString("N"));

    public ChunkStore()
    {
        Embedder = new TestEmbeddingGenerator(Dimensions);
        Store = new HnswVectorStore(_root, new HnswVectorStoreOptions { EmbeddingGenerator = Embedder });
        Collection = Store.GetCollection<string, ChunkRecord>("chunks", new HnswCollectionOptions { Definition = ChunkRecordDefinition.Create(Dimensions), Seed = 3 });
        Collection.EnsureCollectionExistsAsync().GetAwaiter().GetResult();
        Collection.UpsertAsync(Chunks).GetAwaiter().GetResult();
    }

    public static IReadOnlyList<ChunkRecord> Chunks { get; } =
    [
        Chunk("berlin", 0, "Berlin has a population of three million people.", "Cities > Berlin"),
        Chunk("berlin", 1, "The Berlin wall fell in 1989 after decades.", "Cities > Berlin > History"),
        Chunk("paris", 0, "Paris is the capital of France.", "Cities > Paris"),
        Chunk("paris", 1, "The Eiffel tower stands in Paris near the Seine.", "Cities > Paris"),
        Chunk("fruit", 0, "Bananas are yellow fruit rich in potassium.", null),
        Chunk("fruit", 1, "Apples and bananas make a good smoothie.", null),
        Chunk("copy", 0, "Berlin has a population of three million people and museums.", null),
    ];

    public TestEmbeddingGenerator Embedder { get; }

    public HnswVectorStore Store { get; }

    public HnswCollection<string, ChunkRecord> Collection { get; }

    public static ChunkRecord Get(string id) => Chunks.Single(c => c.Id == id);

    public void Dispose()
    {
        Collection.Dispose();
        Store.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static ChunkRecord Chunk(string documentId, int index, string text, string? headingPath) => new()
    {
        Id = $"{documentId}#{index}",
        DocumentId = documentId,
        ChunkIndex = index,
        Text = text,
        Source = $"docs/{documentId}.md",
        Title = documentId.ToUpperInvariant(),
        HeadingPath = headingPath,
        StartOffset = index * 100,
        EndOffset = (index * 100) + text.Length,
        TokenCount = text.Split(' ').Length,
        ContentHash = "hash-" + documentId,
    };
}
