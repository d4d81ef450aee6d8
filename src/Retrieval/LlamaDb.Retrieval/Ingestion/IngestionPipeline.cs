using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using LlamaDb.VectorData;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaDb.Retrieval;

/// <summary>
/// Load, chunk, upsert: writes each document's chunks as <see cref="ChunkRecord"/>s (the collection embeds their text),
/// in groups of documents processed with bounded parallelism and upserted in batches. Re-ingesting skips a document whose
/// stored chunks all carry its current content hash (and are numbered 0..n-1 without gaps); a changed document's chunks
/// are replaced and the chunks it no longer has are deleted. The stored hash covers the document's content and the
/// ingestion configuration (<see cref="IngestionOptions.ConfigurationFingerprint"/>), so changing the chunker, its token
/// limit or the embedding model re-chunks documents whose text did not change.
/// </summary>
/// <remarks>
/// Crash safety without transactions: a changed document's stale chunks are deleted first, then its new chunks are
/// written last index first. Any interrupted state therefore has either a chunk with the old hash or no chunk 0, and the
/// next run redoes the document instead of skipping it.
/// </remarks>
public sealed partial class IngestionPipeline
{
    private readonly VectorStoreCollection<string, ChunkRecord> _collection;
    private readonly IChunker _chunker;
    private readonly IngestionOptions _options;
    private readonly string _fingerprint;
    private readonly ILogger _logger;

    /// <summary>Creates a pipeline.</summary>
    /// <param name="collection">The collection; its embedding generator embeds the chunk text.</param>
    /// <param name="chunker">The chunker.</param>
    /// <param name="options">The options; defaults when null.</param>
    /// <param name="logger">The logger; none when null.</param>
    public IngestionPipeline(VectorStoreCollection<string, ChunkRecord> collection, IChunker chunker, IngestionOptions? options = null, ILogger<IngestionPipeline>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(chunker);
        _collection = collection;
        _chunker = chunker;
        _options = (options ?? new IngestionOptions()).Validated();
        _fingerprint = _options.ConfigurationFingerprint ?? IngestionFingerprint.Create(chunker);
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Ingests documents.</summary>
    /// <param name="documents">The documents.</param>
    /// <param name="progress">Receives cumulative progress after each group of documents.</param>
    /// <param name="cancellationToken">Cancels the run; chunks already written stay.</param>
    /// <returns>The final counts and the documents that failed.</returns>
    public Task<IngestionResult> IngestAsync(IEnumerable<Document> documents, IProgress<IngestionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return IngestAsync(ToAsync(documents), progress, cancellationToken);
    }

    /// <summary>Ingests documents as they are loaded.</summary>
    /// <param name="documents">The documents (e.g. from <see cref="DirectoryDocumentLoader.LoadAsync"/>).</param>
    /// <param name="progress">Receives cumulative progress after each group of documents.</param>
    /// <param name="cancellationToken">Cancels the run; chunks already written stay.</param>
    /// <returns>The final counts and the documents that failed.</returns>
    public async Task<IngestionResult> IngestAsync(IAsyncEnumerable<Document> documents, IProgress<IngestionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        await _collection.EnsureCollectionExistsAsync(cancellationToken).ConfigureAwait(false);
        var run = new Run(Stopwatch.StartNew());
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Group(documents, run, cancellationToken), parallel, async (group, token) =>
        {
            GroupCounts counts = await IngestGroupAsync(group, run, token).ConfigureAwait(false);
            run.Add(counts, progress);
        }).ConfigureAwait(false);

        return new IngestionResult(run.Snapshot(), [.. run.Failures]);
    }

    /// <summary>Deletes a document's chunks.</summary>
    /// <param name="documentId">The document id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The number of chunks deleted.</returns>
    public async Task<int> DeleteDocumentAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        if (!await _collection.CollectionExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        List<ChunkRecord> existing = await GetChunksAsync(documentId, cancellationToken).ConfigureAwait(false);
        if (existing.Count > 0)
        {
            await _collection.DeleteAsync(existing.Select(r => r.Id), cancellationToken).ConfigureAwait(false);
        }

        return existing.Count;
    }

    /// <summary>The record a chunk is stored as, with the document's <see cref="Document.ContentHash"/> (the pipeline itself stores the hash combined with its configuration fingerprint).</summary>
    /// <param name="document">The chunk's document.</param>
    /// <param name="chunk">The chunk.</param>
    /// <returns>The record.</returns>
    public static ChunkRecord ToRecord(Document document, Chunk chunk)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(chunk);
        return new ChunkRecord
        {
            Id = chunk.Id,
            DocumentId = document.Id,
            ChunkIndex = chunk.Index,
            Text = chunk.Text,
            Source = document.Source,
            Title = document.Title,
            HeadingPath = chunk.HeadingPath,
            StartOffset = chunk.StartOffset,
            EndOffset = chunk.EndOffset,
            TokenCount = chunk.TokenCount,
            ContentHash = document.ContentHash,
        };
    }

    private async Task<GroupCounts> IngestGroupAsync(List<Document> group, Run run, CancellationToken cancellationToken)
    {
        var counts = new GroupCounts();
        var writes = new List<ChunkRecord>();
        var deletes = new List<string>();
        foreach (Document document in group)
        {
            counts.Documents++;
            List<ChunkRecord> existing = await GetChunksAsync(document.Id, cancellationToken).ConfigureAwait(false);
            string storedHash = StoredHash(document.ContentHash, _fingerprint);
            if (!_options.Force && IsCurrent(existing, storedHash))
            {
                counts.Skipped++;
                LogSkipped(_logger, document.Id);
                continue;
            }

            IReadOnlyList<Chunk> chunks;
            try
            {
                chunks = await _chunker.ChunkAsync(document, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                counts.Failed++;
                run.Failures.Enqueue(new IngestionFailure(document.Id, document.Source, ex.Message));
                LogChunkingFailed(_logger, ex, document.Id);
                continue;
            }

            var newIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (Chunk chunk in chunks)
            {
                newIds.Add(chunk.Id);
            }

            foreach (ChunkRecord old in existing)
            {
                if (!newIds.Contains(old.Id))
                {
                    deletes.Add(old.Id);
                }
            }

            for (int i = chunks.Count - 1; i >= 0; i--)
            {
                ChunkRecord record = ToRecord(document, chunks[i]);
                record.ContentHash = storedHash;
                writes.Add(record);
                counts.Tokens += chunks[i].TokenCount;
            }
        }

        if (deletes.Count > 0)
        {
            await _collection.DeleteAsync(deletes, cancellationToken).ConfigureAwait(false);
            counts.Deleted += deletes.Count;
        }

        for (int i = 0; i < writes.Count; i += _options.BatchSize)
        {
            List<ChunkRecord> batch = writes.GetRange(i, Math.Min(_options.BatchSize, writes.Count - i));
            await _collection.UpsertAsync(batch, cancellationToken).ConfigureAwait(false);
            counts.Chunks += batch.Count;
        }

        return counts;
    }

    /// <summary>The hash stored in each chunk: SHA-256 of the document's content hash and the configuration fingerprint.</summary>
    internal static string StoredHash(string contentHash, string fingerprint) => Document.ComputeHash(contentHash, fingerprint);

    /// <summary>Whether the stored chunks are a complete write of the current content: all with its hash, numbered 0..n-1.</summary>
    private static bool IsCurrent(List<ChunkRecord> existing, string contentHash)
    {
        if (existing.Count == 0)
        {
            return false;
        }

        var seen = new bool[existing.Count];
        foreach (ChunkRecord record in existing)
        {
            if (!string.Equals(record.ContentHash, contentHash, StringComparison.Ordinal) ||
                record.ChunkIndex < 0 || record.ChunkIndex >= seen.Length || seen[record.ChunkIndex])
            {
                return false;
            }

            seen[record.ChunkIndex] = true;
        }

        return true;
    }

    private async Task<List<ChunkRecord>> GetChunksAsync(string documentId, CancellationToken cancellationToken)
    {
        var records = new List<ChunkRecord>();
        await foreach (ChunkRecord record in _collection.GetAsync(r => r.DocumentId == documentId, _options.MaxChunksPerDocument, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            records.Add(record);
        }

        return records;
    }

    private async IAsyncEnumerable<List<Document>> Group(IAsyncEnumerable<Document> documents, Run run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var group = new List<Document>(_options.DocumentsPerGroup);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (Document document in documents.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (!seen.Add(document.Id))
            {
                // Two documents with one id in one run would race for the same chunk ids: keep the first.
                run.Failures.Enqueue(new IngestionFailure(document.Id, document.Source, $"Document id '{document.Id}' appears more than once in this run; only the first was ingested."));
                run.Add(new GroupCounts { Documents = 1, Failed = 1 });
                continue;
            }

            group.Add(document);
            if (group.Count == _options.DocumentsPerGroup)
            {
                yield return group;
                group = new List<Document>(_options.DocumentsPerGroup);
            }
        }

        if (group.Count > 0)
        {
            yield return group;
        }
    }

    private static async IAsyncEnumerable<Document> ToAsync(IEnumerable<Document> documents)
    {
        foreach (Document document in documents)
        {
            yield return document;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Document '{DocumentId}' is unchanged; skipped.")]
    private static partial void LogSkipped(ILogger logger, string documentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Document '{DocumentId}' could not be chunked; skipped.")]
    private static partial void LogChunkingFailed(ILogger logger, Exception exception, string documentId);

    internal sealed class GroupCounts
    {
        public int Documents { get; set; }

        public int Skipped { get; set; }

        public int Failed { get; set; }

        public int Chunks { get; set; }

        public int Deleted { get; set; }

        public long Tokens { get; set; }
    }

    internal sealed class Run(Stopwatch stopwatch)
    {
        private readonly Lock _lock = new();
        private IngestionProgress _progress = new();

        public ConcurrentQueue<IngestionFailure> Failures { get; } = new();

        /// <summary>Adds a group's counts and reports the new totals under the lock, so reports never go backwards.</summary>
        public void Add(GroupCounts counts, IProgress<IngestionProgress>? progress = null)
        {
            lock (_lock)
            {
                _progress = new IngestionProgress
                {
                    Documents = _progress.Documents + counts.Documents,
                    DocumentsSkipped = _progress.DocumentsSkipped + counts.Skipped,
                    DocumentsFailed = _progress.DocumentsFailed + counts.Failed,
                    Chunks = _progress.Chunks + counts.Chunks,
                    ChunksDeleted = _progress.ChunksDeleted + counts.Deleted,
                    Tokens = _progress.Tokens + counts.Tokens,
                    Elapsed = stopwatch.Elapsed,
                };
                progress?.Report(_progress);
            }
        }

        public IngestionProgress Snapshot()
        {
            lock (_lock)
            {
                return _progress with { Elapsed = stopwatch.Elapsed };
            }
        }
    }
}
