using System.Diagnostics;
using LlamaDb.VectorData;

namespace LlamaDb.Retrieval;

/// <summary>Runs a dataset's queries through a search function and averages the BEIR metrics.</summary>
public static class RetrievalEvaluator
{
    /// <summary>How deep each query's ranking is fetched: 100 (Recall@100 and MAP@100 need it).</summary>
    public const int Depth = 100;

    /// <summary>
    /// Searches every judged query and averages nDCG@10, Recall@100, MRR@10 and MAP@100 over them. The search returns
    /// document ids best first (chunk hits mapped to their documents; repeats count at their first rank).
    /// </summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="search">Returns up to <c>top</c> document ids for a query, best first.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The means.</returns>
    public static async Task<RetrievalEvaluation> EvaluateAsync(BeirDataset dataset, Func<string, int, CancellationToken, Task<IReadOnlyList<string>>> search, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(search);
        var stopwatch = Stopwatch.StartNew();
        double ndcg = 0, recall = 0, mrr = 0, map = 0;
        int count = 0;
        foreach ((string queryId, string text) in dataset.Queries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            IReadOnlyDictionary<string, int> judgments = dataset.Judgments[queryId];
            IReadOnlyList<string> ranking = await search(text, Depth, cancellationToken).ConfigureAwait(false);
            ndcg += RetrievalMetrics.Ndcg(ranking, judgments, 10);
            recall += RetrievalMetrics.Recall(ranking, judgments, 100);
            mrr += RetrievalMetrics.ReciprocalRank(ranking, judgments, 10);
            map += RetrievalMetrics.AveragePrecision(ranking, judgments, 100);
            count++;
        }

        return count == 0
            ? new RetrievalEvaluation(0, 0, 0, 0, 0, stopwatch.Elapsed.TotalSeconds)
            : new RetrievalEvaluation(count, ndcg / count, recall / count, mrr / count, map / count, stopwatch.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Writes the corpus into a collection as one <see cref="ChunkRecord"/> per document (id <c>{id}#0</c>, the whole
    /// <c>title + " " + text</c>), as BEIR evaluates whole documents; the collection embeds them.
    /// </summary>
    /// <param name="collection">The collection (created if missing).</param>
    /// <param name="dataset">The dataset.</param>
    /// <param name="batchSize">Records per upsert. Defaults to 256.</param>
    /// <param name="tokenCounter">Counts each record's tokens; <see cref="TokenEstimator.Default"/> when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when every document is stored.</returns>
    public static async Task IndexCorpusAsync(VectorStoreCollection<string, ChunkRecord> collection, BeirDataset dataset, int batchSize = 256, ITokenCounter? tokenCounter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        tokenCounter ??= TokenEstimator.Default;
        await collection.EnsureCollectionExistsAsync(cancellationToken).ConfigureAwait(false);
        var batch = new List<ChunkRecord>(batchSize);
        foreach (Document document in dataset.Corpus)
        {
            var chunk = new Chunk(document.Id, 0, 0, document.Text.Length, document.Text, tokenCounter.CountTokens(document.Text));
            batch.Add(IngestionPipeline.ToRecord(document, chunk));
            if (batch.Count == batchSize)
            {
                await collection.UpsertAsync(batch, cancellationToken).ConfigureAwait(false);
                batch = new List<ChunkRecord>(batchSize);
            }
        }

        if (batch.Count > 0)
        {
            await collection.UpsertAsync(batch, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Maps search hits to document ids, keeping each document's first (best) hit.</summary>
    /// <param name="hits">The hits, best first.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The document ids, best first.</returns>
    public static async Task<IReadOnlyList<string>> ToDocumentIdsAsync(IAsyncEnumerable<VectorSearchResult<ChunkRecord>> hits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hits);
        var ids = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (VectorSearchResult<ChunkRecord> hit in hits.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (seen.Add(hit.Record.DocumentId))
            {
                ids.Add(hit.Record.DocumentId);
            }
        }

        return ids;
    }

    /// <summary>
    /// Reorders the first <paramref name="top"/> candidates by a reranker's scores (one batched call), keeping the rest after
    /// them in first-stage order.
    /// </summary>
    /// <param name="reranker">The reranker.</param>
    /// <param name="query">The query.</param>
    /// <param name="documentIds">The first-stage ranking.</param>
    /// <param name="textOf">The text of a document id.</param>
    /// <param name="top">How many candidates to rerank.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new ranking.</returns>
    public static async Task<IReadOnlyList<string>> RerankAsync(IReranker reranker, string query, IReadOnlyList<string> documentIds, Func<string, string> textOf, int top, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reranker);
        ArgumentNullException.ThrowIfNull(documentIds);
        ArgumentNullException.ThrowIfNull(textOf);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        int count = Math.Min(top, documentIds.Count);
        if (count == 0)
        {
            return documentIds;
        }

        var texts = new string[count];
        for (int i = 0; i < count; i++)
        {
            texts[i] = textOf(documentIds[i]);
        }

        IReadOnlyList<double> scores = await reranker.ScoreAsync(query, texts, cancellationToken).ConfigureAwait(false);
        if (scores.Count != count)
        {
            throw new InvalidOperationException($"The reranker returned {scores.Count} scores for {count} documents.");
        }

        int[] order = Enumerable.Range(0, count).ToArray();
        Array.Sort(order, (a, b) => scores[b] != scores[a] ? scores[b].CompareTo(scores[a]) : a.CompareTo(b));
        var result = new List<string>(documentIds.Count);
        foreach (int i in order)
        {
            result.Add(documentIds[i]);
        }

        for (int i = count; i < documentIds.Count; i++)
        {
            result.Add(documentIds[i]);
        }

        return result;
    }
}
