namespace LlamaDb.Retrieval;

/// <summary>
/// Estimates tokens without a tokenizer: the larger of one token per 4 characters (byte-pair tokenizers on English
/// average about that) and one token per word or punctuation mark (which short words and code push above it). It leans
/// high, so a budget it fills is rarely exceeded by the real tokenizer.
/// </summary>
public sealed class ApproximatePromptTokenCounter : IPromptTokenCounter
{
    /// <summary>Gets the shared instance.</summary>
    public static ApproximatePromptTokenCounter Instance { get; } = new();

    /// <inheritdoc />
    public int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int pieces = 0;
        bool inWord = false;
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                if (!inWord)
                {
                    pieces++;
                    inWord = true;
                }
            }
            else
            {
                inWord = false;
                if (!char.IsWhiteSpace(c))
                {
                    pieces++;
                }
            }
        }

        int byLength = (text.Length + 3) / 4;
        return Math.Max(byLength, pieces);
    }
}
