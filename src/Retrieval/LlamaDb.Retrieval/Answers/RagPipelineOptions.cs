namespace LlamaDb.Retrieval;

/// <summary>
/// Defaults of a <see cref="RagPipeline"/>; <see cref="RagOptions"/> overrides them per question. Bindable from the
/// <c>LlamaDb:Answers</c> configuration section (keys are the property names).
/// </summary>
public sealed class RagPipelineOptions
{
    /// <summary>The default <see cref="SystemPrompt"/>.</summary>
    public const string DefaultSystemPrompt =
        "You answer questions using only the numbered sources provided with each question. " +
        "Cite every statement with the number of the source it comes from, in square brackets, like [1] or [2][3]. " +
        "Do not use knowledge from outside the sources. " +
        "If the sources do not contain the answer, say that you don't know; do not guess.";

    /// <summary>The default <see cref="NotFoundAnswer"/>.</summary>
    public const string DefaultNotFoundAnswer = "I could not find this in the knowledge base.";

    /// <summary>Gets or sets how many chunks to retrieve per question. Defaults to 5.</summary>
    public int Top { get; set; } = 5;

    /// <summary>Gets or sets the token budget for the numbered sources in the prompt (headers included). Defaults to 3000.</summary>
    public int MaxContextTokens { get; set; } = 3000;

    /// <summary>
    /// Gets or sets the score a chunk needs to be offered to the model; <see langword="null"/> offers every retrieved chunk.
    /// It is compared with <see cref="RetrievedChunk.RerankScore"/> when the chunk was reranked, else with its first-stage
    /// score (<see cref="RetrievedChunk.Score"/>). The scales differ (cosine similarity, BM25, fused RRF, cross-encoder
    /// logits), so set it for the mode and reranker in use; when a tolerated reranker failure leaves chunks without a
    /// reranker score, the threshold meets first-stage scores. For separate thresholds per scale use
    /// <see cref="RetrievalOptions.MinScore"/> and <see cref="RetrievalOptions.MinRerankScore"/>. Defaults to <see langword="null"/>.
    /// </summary>
    public double? MinRelevanceScore { get; set; }

    /// <summary>Gets or sets the system instructions. Defaults to <see cref="DefaultSystemPrompt"/>.</summary>
    public string SystemPrompt { get; set; } = DefaultSystemPrompt;

    /// <summary>Gets or sets the answer given, without calling the model, when nothing clears the threshold. Defaults to <see cref="DefaultNotFoundAnswer"/>.</summary>
    public string NotFoundAnswer { get; set; } = DefaultNotFoundAnswer;

    /// <summary>
    /// Gets or sets whether the model is still called when nothing clears the threshold (it is then told there are no
    /// sources and asked to say it does not know). Defaults to <see langword="false"/>: <see cref="NotFoundAnswer"/> is returned.
    /// </summary>
    public bool CallModelWhenNothingFound { get; set; }

    /// <summary>Checks every value once; the message names the offending option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (Top <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Top), Top, "RagPipelineOptions.Top must be positive.");
        }

        if (MaxContextTokens <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxContextTokens), MaxContextTokens, "RagPipelineOptions.MaxContextTokens must be positive.");
        }

        if (MinRelevanceScore is { } min && double.IsNaN(min))
        {
            throw new ArgumentOutOfRangeException(nameof(MinRelevanceScore), min, "RagPipelineOptions.MinRelevanceScore must be a number.");
        }

        if (string.IsNullOrWhiteSpace(SystemPrompt))
        {
            throw new ArgumentOutOfRangeException(nameof(SystemPrompt), SystemPrompt, "RagPipelineOptions.SystemPrompt must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(NotFoundAnswer))
        {
            throw new ArgumentOutOfRangeException(nameof(NotFoundAnswer), NotFoundAnswer, "RagPipelineOptions.NotFoundAnswer must not be empty.");
        }
    }
}
