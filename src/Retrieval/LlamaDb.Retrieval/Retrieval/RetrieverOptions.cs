namespace LlamaDb.Retrieval;

/// <summary>Options for <see cref="Retriever"/> (fixed for its lifetime; per-call settings are in <see cref="RetrievalOptions"/>).</summary>
public sealed class RetrieverOptions
{
    /// <summary>
    /// Gets or sets the defaults of every retrieval: a call's unset <see cref="RetrievalOptions"/> values are taken from
    /// here, and values unset here too from the built-in defaults (hybrid, top 10, 50 candidates). Bound from
    /// <c>LlamaDb:Retrieval:Defaults:*</c> by <c>AddLlamaDbRetrieval</c>. Defaults to <c>new RetrievalOptions()</c> (all unset).
    /// </summary>
    public RetrievalOptions Defaults { get; set; } = new();

    /// <summary>
    /// Gets or sets whether a failing reranker fails the retrieval. Defaults to false: the failure is logged as a warning and
    /// the first-stage order is returned.
    /// </summary>
    public bool ThrowOnRerankFailure { get; set; }

    /// <summary>Creates a copy (the defaults are copied too).</summary>
    /// <returns>The copy.</returns>
    public RetrieverOptions Clone() => new() { Defaults = Defaults.Clone(), ThrowOnRerankFailure = ThrowOnRerankFailure };
}
