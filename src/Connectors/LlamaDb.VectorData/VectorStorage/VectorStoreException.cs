namespace LlamaDb.VectorData;

/// <summary>A failure inside a vector store, with where it happened.</summary>
public class VectorStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public VectorStoreException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public VectorStoreException(string? message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public VectorStoreException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The kind of store.</summary>
    public string? VectorStoreSystemName { get; init; }

    /// <summary>The store's name.</summary>
    public string? VectorStoreName { get; init; }

    /// <summary>The collection's name.</summary>
    public string? CollectionName { get; init; }

    /// <summary>The operation that failed.</summary>
    public string? OperationName { get; init; }
}
