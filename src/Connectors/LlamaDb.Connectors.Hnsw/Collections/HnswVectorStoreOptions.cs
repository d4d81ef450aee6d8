using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Connectors.Hnsw;

/// <summary>Options for <see cref="HnswVectorStore"/>.</summary>
public sealed class HnswVectorStoreOptions
{
    /// <summary>The generator for vector properties that embed their values, when neither the property, the definition nor the collection options name one.</summary>
    public IEmbeddingGenerator? EmbeddingGenerator { get; set; }

    /// <summary>Defaults for collections created through <see cref="HnswVectorStore.GetCollection{TKey, TRecord}(string, LlamaDb.VectorData.VectorStoreCollectionDefinition?)"/>.</summary>
    public HnswCollectionOptions CollectionDefaults { get; set; } = new();

    /// <summary>Logging (log replay, torn log tails, checkpoints). Defaults to none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
