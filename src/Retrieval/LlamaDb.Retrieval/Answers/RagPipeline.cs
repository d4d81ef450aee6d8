using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaDb.Retrieval;

/// <summary>
/// Answers questions from the knowledge base: retrieves chunks (reranking is the retriever's job), keeps those that clear
/// the relevance threshold, packs them as numbered sources into a token budget, asks the <see cref="IChatClient"/> to
/// answer only from them with <c>[n]</c> citations, and returns the answer with the sources it cites. When nothing clears
/// the threshold it says so instead of guessing, without calling the model (unless configured to).
/// </summary>
public sealed partial class RagPipeline
{
    private readonly IRetriever _retriever;
    private readonly IChatClient _chatClient;
    private readonly RagPipelineOptions _options;
    private readonly IPromptTokenCounter _tokenCounter;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="retriever">Finds the chunks.</param>
    /// <param name="chatClient">Writes the answer.</param>
    /// <param name="options">The defaults; <see cref="RagPipelineOptions"/>' defaults when null. Validated here.</param>
    /// <param name="tokenCounter">Counts prompt tokens for the budget; <see cref="ApproximatePromptTokenCounter"/> when null.</param>
    /// <param name="logger">Receives counts and decisions; questions and texts only at Trace.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public RagPipeline(IRetriever retriever, IChatClient chatClient, RagPipelineOptions? options = null, IPromptTokenCounter? tokenCounter = null, ILogger<RagPipeline>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        ArgumentNullException.ThrowIfNull(chatClient);
        _retriever = retriever;
        _chatClient = chatClient;
        _options = options ?? new RagPipelineOptions();
        _options.Validate();
        _tokenCounter = tokenCounter ?? ApproximatePromptTokenCounter.Instance;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Answers <paramref name="question"/> from the knowledge base.</summary>
    /// <param name="question">The question; also the retrieval query.</param>
    /// <param name="options">Per-question options; the pipeline's defaults when null.</param>
    /// <param name="cancellationToken">Cancels retrieval and the model call.</param>
    /// <returns>The answer with its citations, the sources offered and usage.</returns>
    /// <exception cref="ArgumentException">The question is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A per-question option is out of range; the message names it.</exception>
    public async Task<RagAnswer> AskAsync(string question, RagOptions? options = null, CancellationToken cancellationToken = default)
    {
        Prepared prepared = await PrepareAsync(question, options, cancellationToken).ConfigureAwait(false);
        if (prepared.Messages is null)
        {
            return NotFound(prepared);
        }

        ChatResponse response = await _chatClient.GetResponseAsync(prepared.Messages, prepared.Settings.ChatOptions, cancellationToken).ConfigureAwait(false);
        return Complete(prepared, response.Text, response);
    }

    /// <summary>Answers <paramref name="question"/> as a stream: text deltas as the model writes, then one final update with citations and usage.</summary>
    /// <param name="question">The question; also the retrieval query.</param>
    /// <param name="options">Per-question options; the pipeline's defaults when null.</param>
    /// <param name="cancellationToken">Cancels retrieval and the model call.</param>
    /// <returns>The updates.</returns>
    /// <exception cref="ArgumentException">The question is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A per-question option is out of range; the message names it.</exception>
    public async IAsyncEnumerable<RagUpdate> AskStreamingAsync(
        string question, RagOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Prepared prepared = await PrepareAsync(question, options, cancellationToken).ConfigureAwait(false);
        if (prepared.Messages is null)
        {
            RagAnswer notFound = NotFound(prepared);
            yield return RagUpdate.Delta(notFound.Text);
            yield return RagUpdate.Completed(notFound);
            yield break;
        }

        var updates = new List<ChatResponseUpdate>();
        var text = new StringBuilder();
        await foreach (ChatResponseUpdate update in _chatClient.GetStreamingResponseAsync(prepared.Messages, prepared.Settings.ChatOptions, cancellationToken).ConfigureAwait(false))
        {
            updates.Add(update);
            string delta = update.Text;
            if (delta.Length > 0)
            {
                text.Append(delta);
                yield return RagUpdate.Delta(delta);
            }
        }

        yield return RagUpdate.Completed(Complete(prepared, text.ToString(), updates.ToChatResponse()));
    }

    private async Task<Prepared> PrepareAsync(string question, RagOptions? options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(question);
        Settings settings = Settings.Resolve(_options, options);
        RetrievalOptions retrieval = settings.RetrievalFor();
        RagLog.QuestionReceived(_logger, question);
        IReadOnlyList<RetrievedChunk> chunks = await _retriever.RetrieveAsync(question, retrieval, cancellationToken).ConfigureAwait(false);

        var relevant = new List<RetrievedChunk>(chunks.Count);
        foreach (RetrievedChunk chunk in chunks)
        {
            // The threshold is on the reranker's scale for reranked chunks and the first-stage scale otherwise (see
            // RagPipelineOptions.MinRelevanceScore); Score is the first-stage score for retrievers that fill only it.
            if (chunk is not null && (settings.MinRelevanceScore is not { } min || (chunk.RerankScore ?? chunk.Score) >= min))
            {
                relevant.Add(chunk);
            }
        }

        PackedSources packed = RagPrompt.Pack(relevant, settings.MaxContextTokens, _tokenCounter);
        RagLog.SourcesPacked(_logger, chunks.Count, relevant.Count, packed.Sources.Count, packed.Tokens, settings.MaxContextTokens);
        if (packed.Sources.Count == 0 && !settings.CallModelWhenNothingFound)
        {
            RagLog.NothingFound(_logger, chunks.Count, settings.MinRelevanceScore);
            return new Prepared(settings, packed, Messages: null);
        }

        List<ChatMessage> messages = RagPrompt.BuildMessages(settings.SystemPrompt, settings.History, packed.Blocks, question);
        return new Prepared(settings, packed, messages);
    }

    private static RagAnswer NotFound(Prepared prepared) =>
        new(prepared.Settings.NotFoundAnswer, [], prepared.Packed.Sources) { NothingFound = true };

    private static RagAnswer Complete(Prepared prepared, string text, ChatResponse response)
    {
        IReadOnlyList<RagCitation> sources = prepared.Packed.Sources;
        var citations = new List<RagCitation>();
        foreach (int number in CitationParser.Extract(text, sources.Count))
        {
            citations.Add(sources[number - 1]);
        }

        return new RagAnswer(text, citations, sources)
        {
            NothingFound = sources.Count == 0,
            Usage = response.Usage,
            ModelId = response.ModelId,
            FinishReason = response.FinishReason,
        };
    }

    private sealed record Prepared(Settings Settings, PackedSources Packed, List<ChatMessage>? Messages);

    /// <summary>The pipeline's defaults with one question's overrides applied and checked.</summary>
    private sealed record Settings(
        int Top,
        int MaxContextTokens,
        double? MinRelevanceScore,
        string SystemPrompt,
        string NotFoundAnswer,
        bool CallModelWhenNothingFound,
        RetrievalOptions? Retrieval,
        IEnumerable<ChatMessage>? History,
        ChatOptions? ChatOptions)
    {
        public static Settings Resolve(RagPipelineOptions defaults, RagOptions? options)
        {
            var settings = new Settings(
                options?.Top ?? defaults.Top,
                options?.MaxContextTokens ?? defaults.MaxContextTokens,
                options?.MinRelevanceScore ?? defaults.MinRelevanceScore,
                options?.SystemPrompt ?? defaults.SystemPrompt,
                options?.NotFoundAnswer ?? defaults.NotFoundAnswer,
                options?.CallModelWhenNothingFound ?? defaults.CallModelWhenNothingFound,
                options?.Retrieval,
                options?.History,
                options?.ChatOptions);
            if (settings.Top <= 0)
            {
                throw new ArgumentOutOfRangeException("RagOptions.Top", settings.Top, "RagOptions.Top must be positive.");
            }

            if (settings.MaxContextTokens <= 0)
            {
                throw new ArgumentOutOfRangeException("RagOptions.MaxContextTokens", settings.MaxContextTokens, "RagOptions.MaxContextTokens must be positive.");
            }

            if (string.IsNullOrWhiteSpace(settings.SystemPrompt))
            {
                throw new ArgumentOutOfRangeException("RagOptions.SystemPrompt", settings.SystemPrompt, "RagOptions.SystemPrompt must not be empty.");
            }

            if (string.IsNullOrWhiteSpace(settings.NotFoundAnswer))
            {
                throw new ArgumentOutOfRangeException("RagOptions.NotFoundAnswer", settings.NotFoundAnswer, "RagOptions.NotFoundAnswer must not be empty.");
            }

            return settings;
        }

        /// <summary>
        /// The retrieval options for this question: a copy of the caller's with <see cref="Top"/> applied (and, when the
        /// caller set candidates, at least <see cref="Top"/> of them). Everything the caller left unset stays unset, so the
        /// retriever fills it from its own defaults.
        /// </summary>
        public RetrievalOptions RetrievalFor()
        {
            RetrievalOptions retrieval = Retrieval?.Clone() ?? new RetrievalOptions();
            retrieval.Top = Top;
            if (retrieval.Candidates is { } candidates)
            {
                retrieval.Candidates = Math.Max(candidates, Top);
            }

            return retrieval;
        }
    }
}
