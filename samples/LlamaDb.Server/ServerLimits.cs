namespace LlamaDb.Server;

/// <summary>Request limits; each violation is answered with a problem-details error naming the limit.</summary>
public sealed class ServerLimits
{
    /// <summary>Gets or sets the largest request body in bytes. Defaults to 32 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Gets or sets the most inputs in one request (texts to embed, documents to rerank or ingest, records, ids). Defaults to 2048.</summary>
    public int MaxInputsPerRequest { get; set; } = 2048;

    /// <summary>Gets or sets the largest <c>top</c> / <c>top_n</c>. Defaults to 100.</summary>
    public int MaxTop { get; set; } = 100;

    /// <summary>Gets or sets the longest text in characters (a query, an input to embed, a document to rerank, a record's text, an ingested document). Defaults to 1,000,000.</summary>
    public int MaxTextLength { get; set; } = 1_000_000;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first limit that is not positive.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxRequestBodyBytes, nameof(MaxRequestBodyBytes));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxInputsPerRequest, nameof(MaxInputsPerRequest));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxTop, nameof(MaxTop));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxTextLength, nameof(MaxTextLength));
    }
}
