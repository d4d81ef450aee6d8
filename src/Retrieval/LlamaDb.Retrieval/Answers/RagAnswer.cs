using Microsoft.Extensions.AI;

namespace LlamaDb.Retrieval;

/// <summary>An answer from the knowledge base, with the sources it cites.</summary>
public sealed class RagAnswer
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="text">The answer text.</param>
    /// <param name="citations">The sources the answer cites.</param>
    /// <param name="sources">Every source offered to the model.</param>
    public RagAnswer(string text, IReadOnlyList<RagCitation> citations, IReadOnlyList<RagCitation> sources)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(citations);
        ArgumentNullException.ThrowIfNull(sources);
        Text = text;
        Citations = citations;
        Sources = sources;
    }

    /// <summary>Gets the answer text, with citation markers such as <c>[1]</c> as the model wrote them.</summary>
    public string Text { get; }

    /// <summary>Gets the sources the answer actually cites (markers naming a source that was offered), by number.</summary>
    public IReadOnlyList<RagCitation> Citations { get; }

    /// <summary>Gets every source offered to the model, by number.</summary>
    public IReadOnlyList<RagCitation> Sources { get; }

    /// <summary>Gets a value indicating whether no source cleared the relevance threshold (the answer then says so).</summary>
    public bool NothingFound { get; init; }

    /// <summary>Gets the model's token usage, when the model was called and reported it.</summary>
    public UsageDetails? Usage { get; init; }

    /// <summary>Gets the model id that answered, when reported.</summary>
    public string? ModelId { get; init; }

    /// <summary>Gets why the model stopped, when reported.</summary>
    public ChatFinishReason? FinishReason { get; init; }
}
