namespace LlamaDb.Embedders.Http;

/// <summary>Normalizes Cohere's <c>input_type</c> and <c>truncate</c> values.</summary>
internal static class CohereInputs
{
    public static string InputType(string? value, string settingName) => value?.Trim().ToUpperInvariant() switch
    {
        "SEARCH_DOCUMENT" or "DOCUMENT" or "PASSAGE" or null or "" => EmbeddingInputTypes.SearchDocument,
        "SEARCH_QUERY" or "QUERY" => EmbeddingInputTypes.SearchQuery,
        "CLASSIFICATION" => EmbeddingInputTypes.Classification,
        "CLUSTERING" => EmbeddingInputTypes.Clustering,
        _ => throw new ArgumentException(
            $"{settingName} '{value}' is not a Cohere input type; use search_document, search_query, classification or clustering (or document/query).", settingName),
    };

    public static string? Truncate(string? value, string settingName) => value?.Trim().ToUpperInvariant() switch
    {
        null or "" => null,
        "NONE" => "NONE",
        "START" => "START",
        "END" => "END",
        _ => throw new ArgumentException($"{settingName} '{value}' is not a truncate mode; use NONE, START or END.", settingName),
    };
}
