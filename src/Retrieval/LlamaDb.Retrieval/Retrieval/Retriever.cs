using LlamaDb.VectorData;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaDb.Retrieval;

/// <summary>
/// Finds chunks in a <see cref="VectorStoreCollection{TKey, TRecord}"/> of <see cref="ChunkRecord"/>: a first stage
/// (dense vector search, BM25 keyword search, or the collection's hybrid search), then optionally a reranker over the
/// candidates, a minimum score, and maximal marginal relevance.
/// </summary>
/// <remarks>
/// <para>The collection embeds the query (its vector property is the chunk text). Keyword mode needs a collection that
/// implements <see cref="IKeywordSearchable{TRecord}"/>, hybrid mode one that implements
/// <see cref="IKeywordHybridSearchable{TRecord}"/>; the embedded store does both.</para>
/// <para>Reranking scores all candidates in one batched <see cref="IReranker.ScoreAsync"/> call. If it fails, the
/// first-stage order is kept and a warning is logged, unless <see cref="RetrieverOptions.ThrowOnRerankFailure"/> is set.
/// Configuration and model-load errors (<see cref="FileNotFoundException"/>, <see cref="DirectoryNotFoundException"/>,
/// <see cref="InvalidDataException"/>, <see cref="NotSupportedException"/>, a missing native library) are always thrown:
/// they would fail every query. <see cref="RetrievalOptions.MinScore"/> filters first-stage scores and
/// <see cref="RetrievalOptions.MinRerankScore"/> reranker scores, so a fallback never mixes the two scales.</para>
/// <para>Scores are higher-is-better: <see cref="ChunkRecordDefinition.Create"/> allows only similarity functions
/// (cosine, dot product), and MMR and the minimums rely on it.</para>
/// <para>Maximal marginal relevance needs the candidates' embeddings. A collection whose vector property is generated from
/// text does not return vectors, so the candidates are embedded with the embedding generator given to the retriever (one
/// batched call); put a caching generator there to make repeated chunks free.</para>
/// </remarks>
public sealed partial class Retriever : IRetriever
{
    private readonly VectorStoreCollection<string, ChunkRecord> _collection;
    private readonly IReranker? _reranker;
    private readonly IEmbeddingGenerator<string, Embedding<float>>? _embeddingGenerator;
    private readonly RetrieverOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a retriever.</summary>
    /// <param name="collection">The chunk collection (with an embedding generator for its vector property).</param>
    /// <param name="reranker">The reranker; null for none.</param>
    /// <param name="embeddingGenerator">The generator that embeds candidates for maximal marginal relevance; null when MMR is not used.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <param name="logger">A logger; null for none.</param>
    public Retriever(
        VectorStoreCollection<string, ChunkRecord> collection,
        IReranker? reranker = null,
        IEmbeddingGenerator<string, Embedding<float>>? embeddingGenerator = null,
        RetrieverOptions? options = null,
        ILogger<Retriever>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(collection);
        _collection = collection;
        _reranker = reranker;
        _embeddingGenerator = embeddingGenerator;
        _options = options?.Clone() ?? new RetrieverOptions();
        ArgumentNullException.ThrowIfNull(_options.Defaults, "options.Defaults");
        Validate(_options.Defaults, "options.Defaults");
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the reranker used when a retrieval asks for reranking, or null.</summary>
    public IReranker? Reranker => _reranker;

    /// <inheritdoc />
    public async Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(string query, RetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (options is not null)
        {
            Validate(options, nameof(options));
        }

        Resolved o = Resolve(options, _options.Defaults);
        bool rerank = o.Rerank ?? _reranker is not null;
        if (rerank && _reranker is null)
        {
            throw new InvalidOperationException("Reranking was asked for (RetrievalOptions.Rerank = true), but the retriever has no IReranker.");
        }

        if (o.MmrLambda is not null && _embeddingGenerator is null)
        {
            throw new InvalidOperationException("Maximal marginal relevance (RetrievalOptions.MmrLambda) needs the candidates' embeddings; give the retriever an embedding generator.");
        }

        // Candidates beyond Top only matter when something reorders or filters them.
        int fetch = rerank || o.MmrLambda is not null ? Math.Max(o.Candidates, o.Top) : o.Top;
        List<Candidate> candidates = await FirstStageAsync(query, o, fetch, cancellationToken).ConfigureAwait(false);
        LogFirstStage(_logger, o.Mode, candidates.Count, fetch);

        // Each minimum applies to the scale it was set for: MinScore to first-stage scores (before reranking),
        // MinRerankScore to reranker scores (only chunks that have one), so a tolerated reranker failure never
        // compares first-stage scores against a reranker threshold or the other way round.
        if (o.MinScore is { } minScore)
        {
            candidates.RemoveAll(c => !(c.FirstStageScore >= minScore));
        }

        if (rerank && candidates.Count > 0)
        {
            // rerank is true only with a reranker (checked above).
            await RerankAsync(_reranker!, query, candidates, cancellationToken).ConfigureAwait(false);
        }

        if (o.MinRerankScore is { } minRerankScore)
        {
            candidates.RemoveAll(c => c.RerankScore is { } score && !(score >= minRerankScore));
        }

        if (o.MmrLambda is { } lambda && candidates.Count > 1)
        {
            // MmrLambda set means a generator exists (checked above).
            candidates = await DiversifyAsync(_embeddingGenerator!, candidates, lambda, o.Top, cancellationToken).ConfigureAwait(false);
        }

        int count = Math.Min(o.Top, candidates.Count);
        var results = new RetrievedChunk[count];
        for (int i = 0; i < count; i++)
        {
            results[i] = candidates[i].ToResult();
        }

        return results;
    }

    private async Task<List<Candidate>> FirstStageAsync(string query, Resolved o, int fetch, CancellationToken cancellationToken)
    {
        var candidates = new List<Candidate>(fetch);
        IAsyncEnumerable<VectorSearchResult<ChunkRecord>> results;
        switch (o.Mode)
        {
            case RetrievalMode.Vector:
                results = _collection.SearchAsync(query, fetch, new VectorSearchOptions<ChunkRecord> { Filter = o.Filter }, cancellationToken);
                break;
            case RetrievalMode.Keyword:
            {
                IKeywordSearchable<ChunkRecord> keyword = Find<IKeywordSearchable<ChunkRecord>>()
                    ?? throw new NotSupportedException($"The collection '{_collection.Name}' does not support keyword-only search (IKeywordSearchable<ChunkRecord>); use vector or hybrid mode.");
                string[] keywords = Keywords.Split(query);
                if (keywords.Length == 0)
                {
                    return candidates;
                }

                results = keyword.KeywordSearchAsync(keywords, fetch, new KeywordSearchOptions<ChunkRecord> { Filter = o.Filter, FullTextProperty = static r => r.Text }, cancellationToken);
                break;
            }

            default:
            {
                IKeywordHybridSearchable<ChunkRecord> hybrid = Find<IKeywordHybridSearchable<ChunkRecord>>()
                    ?? throw new NotSupportedException($"The collection '{_collection.Name}' does not support hybrid search (IKeywordHybridSearchable<ChunkRecord>); use vector mode.");
                results = hybrid.HybridSearchAsync(query, Keywords.Split(query), fetch, new HybridSearchOptions<ChunkRecord> { Filter = o.Filter, AdditionalProperty = static r => r.Text }, cancellationToken);
                break;
            }
        }

        await foreach (VectorSearchResult<ChunkRecord> result in results.ConfigureAwait(false))
        {
            double score = result.Score ?? 0;
            candidates.Add(new Candidate(result.Record, score, candidates.Count));
        }

        return candidates;
    }

    private T? Find<T>()
        where T : class
        => _collection as T ?? _collection.GetService(typeof(T)) as T;

    private async Task RerankAsync(IReranker reranker, string query, List<Candidate> candidates, CancellationToken cancellationToken)
    {
        var texts = new string[candidates.Count];
        for (int i = 0; i < texts.Length; i++)
        {
            texts[i] = candidates[i].Record.Text;
        }

        IReadOnlyList<double> scores;
        try
        {
            scores = await reranker.ScoreAsync(query, texts, cancellationToken).ConfigureAwait(false);
            if (scores is null || scores.Count != texts.Length)
            {
                throw new InvalidOperationException($"The reranker returned {scores?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no"} scores for {texts.Length} candidates.");
            }

            for (int i = 0; i < scores.Count; i++)
            {
                if (double.IsNaN(scores[i]))
                {
                    throw new InvalidOperationException($"The reranker returned NaN for candidate {i}.");
                }
            }
        }
        catch (Exception ex) when (!_options.ThrowOnRerankFailure && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested) && !IsConfigurationError(ex))
        {
            LogRerankFailed(_logger, ex, texts.Length, reranker.GetType().Name);
            return;
        }

        for (int i = 0; i < candidates.Count; i++)
        {
            candidates[i].RerankScore = scores[i];
        }

        // Stable: equal reranker scores keep the first-stage order.
        candidates.Sort(static (a, b) =>
        {
            int byScore = b.Score.CompareTo(a.Score);
            return byScore != 0 ? byScore : a.FirstStageRank.CompareTo(b.FirstStageRank);
        });
    }

    private static async Task<List<Candidate>> DiversifyAsync(IEmbeddingGenerator<string, Embedding<float>> generator, List<Candidate> candidates, double lambda, int top, CancellationToken cancellationToken)
    {
        var texts = new string[candidates.Count];
        var relevance = new double[candidates.Count];
        for (int i = 0; i < texts.Length; i++)
        {
            texts[i] = candidates[i].Record.Text;
            relevance[i] = candidates[i].Score;
        }

        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(texts, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (embeddings.Count != texts.Length)
        {
            throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings for {texts.Length} candidates.");
        }

        var vectors = new ReadOnlyMemory<float>[embeddings.Count];
        for (int i = 0; i < vectors.Length; i++)
        {
            vectors[i] = embeddings[i].Vector;
        }

        int[] picked = MaximalMarginalRelevance.Select(relevance, vectors, lambda, top);
        var selected = new List<Candidate>(picked.Length);
        foreach (int index in picked)
        {
            selected.Add(candidates[index]);
        }

        return selected;
    }

    /// <summary>
    /// Whether a reranker failure is a configuration or model-load error (a missing or unreadable model, tokenizer or
    /// native runtime, an unsupported model layout): those fail every query the same way, so they are thrown instead of
    /// being tolerated as one query's fallback to the first-stage order.
    /// </summary>
    private static bool IsConfigurationError(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or NotSupportedException
                or DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or TypeInitializationException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Fills a call's unset values from the retriever's defaults, then from the built-in defaults.</summary>
    private static Resolved Resolve(RetrievalOptions? options, RetrievalOptions defaults) => new(
        options?.Mode ?? defaults.Mode ?? RetrievalOptions.DefaultMode,
        options?.Top ?? defaults.Top ?? RetrievalOptions.DefaultTop,
        options?.Candidates ?? defaults.Candidates ?? RetrievalOptions.DefaultCandidates,
        options?.Filter ?? defaults.Filter,
        options?.Rerank ?? defaults.Rerank,
        options?.MmrLambda ?? defaults.MmrLambda,
        options?.MinScore ?? defaults.MinScore,
        options?.MinRerankScore ?? defaults.MinRerankScore);

    private static void Validate(RetrievalOptions options, string name)
    {
        if (options.Mode is { } mode && !Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException($"{name}.{nameof(RetrievalOptions.Mode)}", mode, "Unknown retrieval mode.");
        }

        if (options.Top is { } top)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top, $"{name}.{nameof(RetrievalOptions.Top)}");
        }

        if (options.Candidates is { } candidates)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(candidates, $"{name}.{nameof(RetrievalOptions.Candidates)}");
        }

        if (options.MinRerankScore is { } minRerank && double.IsNaN(minRerank))
        {
            throw new ArgumentOutOfRangeException($"{name}.{nameof(RetrievalOptions.MinRerankScore)}", minRerank, "MinRerankScore must be a number.");
        }
        if (options.MmrLambda is { } lambda && !(lambda >= 0 && lambda <= 1))
        {
            throw new ArgumentOutOfRangeException($"{name}.{nameof(RetrievalOptions.MmrLambda)}", lambda, "MmrLambda must be between 0 and 1.");
        }

        if (options.MinScore is { } min && double.IsNaN(min))
        {
            throw new ArgumentOutOfRangeException($"{name}.{nameof(RetrievalOptions.MinScore)}", min, "MinScore must be a number.");
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "First stage ({Mode}) found {Found} of {Asked} candidates.")]
    private static partial void LogFirstStage(ILogger logger, RetrievalMode mode, int found, int asked);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Reranking {Count} candidates with {Reranker} failed; returning the first-stage order.")]
    private static partial void LogRerankFailed(ILogger logger, Exception exception, int count, string reranker);

    /// <summary>One retrieval's options with every value filled in.</summary>
    private sealed record Resolved(
        RetrievalMode Mode,
        int Top,
        int Candidates,
        System.Linq.Expressions.Expression<Func<ChunkRecord, bool>>? Filter,
        bool? Rerank,
        double? MmrLambda,
        double? MinScore,
        double? MinRerankScore);

    /// <summary>A first-stage hit on its way to becoming a <see cref="RetrievedChunk"/>.</summary>
    private sealed class Candidate(ChunkRecord record, double firstStageScore, int firstStageRank)
    {
        public ChunkRecord Record { get; } = record;

        public double FirstStageScore { get; } = firstStageScore;

        public int FirstStageRank { get; } = firstStageRank;

        public double? RerankScore { get; set; }

        public double Score => RerankScore ?? FirstStageScore;

        public RetrievedChunk ToResult() => new(Record.Id, Record.DocumentId, Record.Text, Score)
        {
            Source = Record.Source,
            Title = Record.Title,
            HeadingPath = Record.HeadingPath,
            ChunkIndex = Record.ChunkIndex,
            StartOffset = Record.StartOffset,
            EndOffset = Record.EndOffset,
            FirstStageScore = FirstStageScore,
            RerankScore = RerankScore,
        };
    }
}
