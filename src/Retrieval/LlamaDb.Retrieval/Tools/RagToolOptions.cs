namespace LlamaDb.Retrieval;

/// <summary>Settings of the knowledge-base tools. Bindable from the <c>LlamaDb:Tools</c> configuration section.</summary>
public sealed class RagToolOptions
{
    /// <summary>Gets or sets the name of the search tool. Defaults to <c>search_knowledge_base</c>.</summary>
    public string SearchToolName { get; set; } = "search_knowledge_base";

    /// <summary>Gets or sets the name of the question tool. Defaults to <c>ask_knowledge_base</c>.</summary>
    public string AskToolName { get; set; } = "ask_knowledge_base";

    /// <summary>Gets or sets how many chunks the search tool returns when the model does not say (at most <see cref="MaxTop"/>). Defaults to 5.</summary>
    public int DefaultTop { get; set; } = 5;

    /// <summary>Gets or sets the most chunks the search tool returns, whatever the model asks for. Defaults to 20.</summary>
    public int MaxTop { get; set; } = 20;

    /// <summary>Checks every value once; the message names the offending option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(SearchToolName))
        {
            throw new ArgumentOutOfRangeException(nameof(SearchToolName), SearchToolName, "RagToolOptions.SearchToolName must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(AskToolName))
        {
            throw new ArgumentOutOfRangeException(nameof(AskToolName), AskToolName, "RagToolOptions.AskToolName must not be empty.");
        }

        if (MaxTop <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTop), MaxTop, "RagToolOptions.MaxTop must be positive.");
        }

        if (DefaultTop <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(DefaultTop), DefaultTop, "RagToolOptions.DefaultTop must be positive.");
        }
    }
}
