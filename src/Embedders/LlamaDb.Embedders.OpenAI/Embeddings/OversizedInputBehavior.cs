namespace LlamaDb.Embedders.OpenAI;

/// <summary>What the generator does with an input longer than the per-input token limit.</summary>
public enum OversizedInputBehavior
{
    /// <summary>Fail the call with an <see cref="ArgumentException"/> naming the input's index. The default.</summary>
    Throw = 0,

    /// <summary>
    /// Cut the input to the estimated limit (at a character boundary) and, if the service still finds it too long,
    /// halve it again, so the embedding covers the start of the text.
    /// </summary>
    Truncate = 1,
}
