using Microsoft.Extensions.AI;

namespace LlamaDb.Retrieval;

/// <summary>Options of one question; each property left <see langword="null"/> takes the pipeline's <see cref="RagPipelineOptions"/> value.</summary>
public sealed class RagOptions
{
    /// <summary>Gets or sets how many chunks to retrieve.</summary>
    public int? Top { get; set; }

    /// <summary>Gets or sets the token budget for the sources.</summary>
    public int? MaxContextTokens { get; set; }

    /// <summary>Gets or sets the score a chunk needs to be offered to the model.</summary>
    public double? MinRelevanceScore { get; set; }

    /// <summary>Gets or sets the system instructions.</summary>
    public string? SystemPrompt { get; set; }

    /// <summary>Gets or sets the answer given when nothing clears the threshold.</summary>
    public string? NotFoundAnswer { get; set; }

    /// <summary>Gets or sets whether the model is called when nothing clears the threshold.</summary>
    public bool? CallModelWhenNothingFound { get; set; }

    /// <summary>
    /// Gets or sets the retrieval options (mode, candidates, filter, rerank, MMR). <see cref="Top"/> (or the pipeline's)
    /// replaces their <see cref="RetrievalOptions.Top"/>.
    /// </summary>
    public RetrievalOptions? Retrieval { get; set; }

    /// <summary>
    /// Gets or sets earlier turns of the conversation, placed between the system instructions and the question. The
    /// question alone is the retrieval query.
    /// </summary>
    public IEnumerable<ChatMessage>? History { get; set; }

    /// <summary>Gets or sets chat options passed to the model (temperature, max output tokens, model id, ...).</summary>
    public ChatOptions? ChatOptions { get; set; }

    /// <summary>Creates a shallow copy (the history sequence, retrieval and chat options are shared).</summary>
    /// <returns>The copy.</returns>
    public RagOptions Clone() => (RagOptions)MemberwiseClone();
}
