using LlamaDb.Retrieval;
using Microsoft.Extensions.AI;

namespace LlamaDb.Server;

/// <summary>
/// What <see cref="LlamaDbServer.Build"/> serves. Properties left unset are read from configuration
/// (<c>LlamaDb:Server:*</c>, <c>LlamaDb:Chat:*</c>) and the <c>LLAMADB_*</c> environment variables.
/// </summary>
public sealed class LlamaDbServerOptions
{
    /// <summary>
    /// Gets or sets the store: a folder (or <c>hnsw:&lt;dir&gt;</c>) for the embedded store, or
    /// <c>postgres:&lt;connection-string&gt;</c> for PostgreSQL with pgvector. Configuration: <c>LlamaDb:Server:Store</c>;
    /// environment <c>LLAMADB_STORE</c>. Required.
    /// </summary>
    public string? StorePath { get; set; }

    /// <summary>Gets or sets the embedding model: a local folder or a Hugging Face repository id. Configuration: <c>LlamaDb:Server:Model</c>; environment <c>LLAMADB_MODEL</c>.</summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets a cross-encoder model folder for reranking. Configuration: <c>LlamaDb:Server:Reranker</c>; environment <c>LLAMADB_RERANKER</c>.</summary>
    public string? RerankerModel { get; set; }

    /// <summary>Gets or sets an embedding generator to use instead of <see cref="Model"/> (owned by the caller, not disposed).</summary>
    public IEmbeddingGenerator<string, Embedding<float>>? EmbeddingGenerator { get; set; }

    /// <summary>Gets or sets a reranker to use instead of <see cref="RerankerModel"/> (owned by the caller).</summary>
    public IReranker? Reranker { get; set; }

    /// <summary>Gets or sets the chat client for <c>/ask</c> instead of <c>LlamaDb:Chat:Endpoint</c> (owned by the caller).</summary>
    public IChatClient? ChatClient { get; set; }

    /// <summary>Gets or sets the addresses to listen on (e.g. <c>http://127.0.0.1:8080</c>); ASP.NET Core's <c>urls</c> setting when null.</summary>
    public string? Urls { get; set; }

    /// <summary>Gets the API keys accepted as <c>Authorization: Bearer</c>. Configuration: <c>LlamaDb:Server:ApiKeys</c> (array); environment <c>LLAMADB_API_KEYS</c> (comma-separated). None: the server is open.</summary>
    public IList<string> ApiKeys { get; } = [];

    /// <summary>Gets or sets the request limits. Configuration: <c>LlamaDb:Server:Limits</c>.</summary>
    public ServerLimits? Limits { get; set; }

    /// <summary>Gets or sets the collection used when a request names none. Defaults to <c>default</c>.</summary>
    public string DefaultCollection { get; set; } = "default";
}
