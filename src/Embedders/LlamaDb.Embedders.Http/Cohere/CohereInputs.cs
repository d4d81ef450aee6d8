namespace LlamaDb.Embedders.Http;

/// <summary>Normalizes Cohere's <c>input_type</c> and <c>truncate</c> values.</summary>
internal static class CohereInputs
{
    /// <summary>The shared vocabulary (<see cref="EmbeddingInputTypes.Normalize(string, string?)"/>); none means search_document.</summary>
    public static string InputType(string? value, string settingName) =>
        string.IsNullOrWhiteSpace(value) ? EmbeddingInputTypes.SearchDocument : EmbeddingInputTypes.Normalize(value, settingName);

    public static string? Truncate(string? value, string settingName) => value?.Trim().ToUpperInvariant() switch
    {
        null or "" => null,
        "NONE" => "NONE",
        "START" => "START",
        "END" => "END",
        _ => throw new ArgumentException($"{settingName} '{value}' is not a truncate mode; use NONE, START or END.", settingName),
    };
}
