namespace LlamaDb.Embedders.Http.Internal;

/// <summary>
/// The provider refused a request because it was too large (HTTP 413, or an error saying too many inputs or tokens).
/// The batch runner splits the batch in halves and sends them again; a single input that is still too large surfaces
/// <see cref="ProviderException"/>.
/// </summary>
internal sealed class OversizedRequestException : Exception
{
    public OversizedRequestException(EmbeddingProviderException providerException)
        : base(providerException.Message, providerException)
    {
        ProviderException = providerException;
    }

    public OversizedRequestException()
        : this(new EmbeddingProviderException())
    {
    }

    public OversizedRequestException(string message)
        : this(new EmbeddingProviderException(message))
    {
    }

    public OversizedRequestException(string message, Exception innerException)
        : this(new EmbeddingProviderException(message, innerException))
    {
    }

    /// <summary>Gets the exception to surface when the request cannot be split further.</summary>
    public EmbeddingProviderException ProviderException { get; }
}
