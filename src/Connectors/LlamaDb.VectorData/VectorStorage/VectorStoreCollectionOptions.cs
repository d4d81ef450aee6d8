using Microsoft.Extensions.AI;

namespace LlamaDb.VectorData;

/// <summary>Base class of a connector's collection options.</summary>
public abstract class VectorStoreCollectionOptions
{
    /// <summary>Creates empty options.</summary>
    protected VectorStoreCollectionOptions()
    {
    }

    /// <summary>Copies <paramref name="source"/>.</summary>
    protected VectorStoreCollectionOptions(VectorStoreCollectionOptions? source)
    {
        Definition = source?.Definition;
        EmbeddingGenerator = source?.EmbeddingGenerator;
    }

    /// <summary>The schema, when the record type carries no attributes.</summary>
    public VectorStoreCollectionDefinition? Definition { get; set; }

    /// <summary>The generator for vector properties that embed their input and have none of their own.</summary>
    public IEmbeddingGenerator? EmbeddingGenerator { get; set; }
}
