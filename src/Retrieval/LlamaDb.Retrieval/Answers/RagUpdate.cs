namespace LlamaDb.Retrieval;

/// <summary>What a <see cref="RagUpdate"/> carries.</summary>
public enum RagUpdateKind
{
    /// <summary>A piece of the answer text, in order.</summary>
    TextDelta,

    /// <summary>The end: the whole answer with citations, sources and usage.</summary>
    Completed,
}

/// <summary>One step of a streamed answer: text deltas first, then one <see cref="RagUpdateKind.Completed"/> update.</summary>
public sealed class RagUpdate
{
    private RagUpdate(RagUpdateKind kind, string? text, RagAnswer? answer)
    {
        Kind = kind;
        Text = text;
        Answer = answer;
    }

    /// <summary>Gets what this update carries.</summary>
    public RagUpdateKind Kind { get; }

    /// <summary>Gets the text delta (for <see cref="RagUpdateKind.TextDelta"/>).</summary>
    public string? Text { get; }

    /// <summary>Gets the complete answer (for <see cref="RagUpdateKind.Completed"/>).</summary>
    public RagAnswer? Answer { get; }

    /// <summary>Creates a text delta.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The update.</returns>
    public static RagUpdate Delta(string text) => new(RagUpdateKind.TextDelta, text ?? throw new ArgumentNullException(nameof(text)), null);

    /// <summary>Creates the final update.</summary>
    /// <param name="answer">The complete answer.</param>
    /// <returns>The update.</returns>
    public static RagUpdate Completed(RagAnswer answer) => new(RagUpdateKind.Completed, null, answer ?? throw new ArgumentNullException(nameof(answer)));
}
