using System.Linq.Expressions;

namespace LlamaDb.Retrieval;

/// <summary>How the first stage finds candidates.</summary>
public enum RetrievalMode
{
    /// <summary>Dense vector search.</summary>
    Vector,

    /// <summary>BM25 keyword search.</summary>
    Keyword,

    /// <summary>Vector and BM25 fused by reciprocal rank fusion (the collection's hybrid search).</summary>
    Hybrid,
}

/// <summary>
/// Options of one retrieval. Every property is optional: an unset (<see langword="null"/>) value is taken from the
/// retriever's <see cref="RetrieverOptions.Defaults"/>, and when that is unset too, from the built-in default
/// (<see cref="DefaultMode"/>, <see cref="DefaultTop"/>, <see cref="DefaultCandidates"/>; no filter, MMR or minimum).
/// </summary>
public sealed class RetrievalOptions
{
    /// <summary>The built-in <see cref="Mode"/>: <see cref="RetrievalMode.Hybrid"/>.</summary>
    public const RetrievalMode DefaultMode = RetrievalMode.Hybrid;

    /// <summary>The built-in <see cref="Top"/>: 10.</summary>
    public const int DefaultTop = 10;

    /// <summary>The built-in <see cref="Candidates"/>: 50.</summary>
    public const int DefaultCandidates = 50;

    /// <summary>Gets or sets the mode; unset takes the retriever's default, else <see cref="RetrievalMode.Hybrid"/>.</summary>
    public RetrievalMode? Mode { get; set; }

    /// <summary>Gets or sets how many chunks to return; unset takes the retriever's default, else 10.</summary>
    public int? Top { get; set; }

    /// <summary>
    /// Gets or sets how many first-stage candidates to fetch (reranking and MMR choose among them; never fewer than
    /// <see cref="Top"/>); unset takes the retriever's default, else 50.
    /// </summary>
    public int? Candidates { get; set; }

    /// <summary>Gets or sets a metadata filter on the stored chunks; unset takes the retriever's default (none).</summary>
    public Expression<Func<ChunkRecord, bool>>? Filter { get; set; }

    /// <summary>Gets or sets whether the registered <see cref="IReranker"/> reorders the candidates. Defaults to true when one is registered.</summary>
    public bool? Rerank { get; set; }

    /// <summary>Gets or sets the maximal-marginal-relevance lambda (1 = relevance only, 0 = diversity only); null disables MMR.</summary>
    public double? MmrLambda { get; set; }

    /// <summary>
    /// Gets or sets a minimum first-stage score (<see cref="RetrievedChunk.FirstStageScore"/>: cosine or dot-product
    /// similarity, BM25, or the fused RRF score, by <see cref="Mode"/>); candidates below it are dropped before reranking.
    /// It never applies to reranker scores, whose scale differs (see <see cref="MinRerankScore"/>).
    /// </summary>
    public double? MinScore { get; set; }

    /// <summary>
    /// Gets or sets a minimum reranker score (<see cref="RetrievedChunk.RerankScore"/>); reranked chunks below it are
    /// dropped. When reranking is off or fails (and the failure is tolerated), chunks have no reranker score and this is
    /// not applied.
    /// </summary>
    public double? MinRerankScore { get; set; }

    /// <summary>Creates a shallow copy (the filter expression is shared; expressions are immutable).</summary>
    /// <returns>The copy.</returns>
    public RetrievalOptions Clone() => (RetrievalOptions)MemberwiseClone();
}

/// <summary>A retrieved chunk with its score and where it came from.</summary>
/// <param name="ChunkId">The chunk id.</param>
/// <param name="DocumentId">The document id.</param>
/// <param name="Text">The chunk text.</param>
/// <param name="Score">The final score (reranker score when reranked, else the first-stage score).</param>
public sealed record RetrievedChunk(string ChunkId, string DocumentId, string Text, double Score)
{
    /// <summary>Gets the document source (path or URL).</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>Gets the document title.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the heading path.</summary>
    public string? HeadingPath { get; init; }

    /// <summary>Gets the chunk index in its document.</summary>
    public int ChunkIndex { get; init; }

    /// <summary>Gets the start character offset in the document.</summary>
    public int StartOffset { get; init; }

    /// <summary>Gets the end character offset (exclusive).</summary>
    public int EndOffset { get; init; }

    /// <summary>Gets the first-stage score (vector similarity, BM25 or fused RRF score).</summary>
    public double FirstStageScore { get; init; }

    /// <summary>Gets the reranker score, when the chunk was reranked.</summary>
    public double? RerankScore { get; init; }
}

/// <summary>Finds the chunks relevant to a query.</summary>
public interface IRetriever
{
    /// <summary>Retrieves chunks for <paramref name="query"/>, best first.</summary>
    /// <param name="query">The query text.</param>
    /// <param name="options">Options; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The chunks, best first.</returns>
    Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(string query, RetrievalOptions? options = null, CancellationToken cancellationToken = default);
}

/// <summary>Scores (query, passage) pairs for relevance: one batched call per query.</summary>
public interface IReranker
{
    /// <summary>Scores each of <paramref name="documents"/> against <paramref name="query"/> (higher is more relevant).</summary>
    /// <param name="query">The query.</param>
    /// <param name="documents">The candidate passages.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One score per document, in the documents' order.</returns>
    Task<IReadOnlyList<double>> ScoreAsync(string query, IReadOnlyList<string> documents, CancellationToken cancellationToken = default);
}
