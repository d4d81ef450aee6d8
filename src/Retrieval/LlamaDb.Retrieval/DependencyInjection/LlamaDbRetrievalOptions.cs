namespace LlamaDb.Retrieval;

/// <summary>
/// Settings registered by <c>AddLlamaDbRetrieval</c>, bound from the <c>LlamaDb</c> configuration section:
/// <c>LlamaDb:Answers:*</c> (<see cref="RagPipelineOptions"/>) and <c>LlamaDb:Tools:*</c> (<see cref="RagToolOptions"/>).
/// </summary>
public sealed class LlamaDbRetrievalOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "LlamaDb";

    /// <summary>Gets the answer pipeline's defaults.</summary>
    public RagPipelineOptions Answers { get; } = new();

    /// <summary>Gets the knowledge-base tools' settings.</summary>
    public RagToolOptions Tools { get; } = new();

    /// <summary>Checks every value once; the message names the offending option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        Answers.Validate();
        Tools.Validate();
    }
}
