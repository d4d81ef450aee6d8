using System.CommandLine;
using LlamaDb.Retrieval;

namespace LlamaDb.Cli.Commands;

/// <summary>Options shared by the store commands (each command gets its own instances).</summary>
internal static class StoreOptions
{
    public static Option<string?> Store() => new("--store", "-s") { Description = "Store: a folder (or hnsw:<dir>), or postgres:<connection-string> (PostgreSQL with pgvector). Default: LLAMADB_STORE, else \"store\" in llamadb.json." };

    public static Option<string?> Collection() => new("--collection", "-c") { Description = "Collection name. Default: LLAMADB_COLLECTION, else \"collection\" in llamadb.json." };

    public static Option<string?> Model(string description) => new("--model", "-m") { Description = description };

    public static Option<string?> Rerank() => new("--rerank") { Description = "Cross-encoder model folder or hub repo id: rerank the candidates. Default: LLAMADB_RERANK_MODEL, else \"rerankModel\" in llamadb.json." };

    public static Option<bool> NoRerank() => new("--no-rerank") { Description = "Do not rerank, even when a rerank model is configured." };

    public static Option<string?> Mode()
    {
        var option = new Option<string?>("--mode") { Description = "vector, keyword or hybrid (default hybrid; LLAMADB_MODE, \"mode\" in llamadb.json)." };
        option.AcceptOnlyFromAmong("vector", "keyword", "hybrid");
        return option;
    }

    public static Option<int?> Top(string description) => new("--top", "-k") { Description = description };

    public static Option<string?> Filter() => new("--filter") { Description = "Filter, e.g. 'source == \"docs/a.md\"', 'documentId != \"x\"', 'source in [\"a\",\"b\"] and not (chunkIndex > 3)'." };

    public static Option<bool> Json(string description) => new("--json") { Description = description };

    public static RetrievalMode ParseMode(string? mode) => mode?.ToLowerInvariant() switch
    {
        null or "hybrid" => RetrievalMode.Hybrid,
        "vector" => RetrievalMode.Vector,
        "keyword" => RetrievalMode.Keyword,
        _ => throw new CliUsageException($"--mode '{mode}' is not one of vector, keyword, hybrid."),
    };
}
