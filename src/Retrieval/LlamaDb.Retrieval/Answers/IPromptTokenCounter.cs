namespace LlamaDb.Retrieval;

/// <summary>Counts the tokens a text takes in the chat model's prompt, so sources can be packed into a budget.</summary>
/// <remarks>
/// Plug in the chat model's own tokenizer for exact budgets; <see cref="ApproximatePromptTokenCounter"/> is the default.
/// Implementations must be thread-safe.
/// </remarks>
public interface IPromptTokenCounter
{
    /// <summary>Counts the tokens of <paramref name="text"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The token count (zero for an empty text).</returns>
    int CountTokens(string text);
}
