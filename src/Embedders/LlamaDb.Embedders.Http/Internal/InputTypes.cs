using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders.Http.Internal;

/// <summary>Reads and normalizes the <c>input_type</c> of a request.</summary>
internal static class InputTypes
{
    public const string PropertyName = "input_type";

    /// <summary>Whether <paramref name="inputType"/> means a query (<c>query</c>, <c>search_query</c>) rather than a document (<c>document</c>, <c>search_document</c>, <c>passage</c>).</summary>
    public static bool IsQuery(string? inputType, string settingName)
    {
        switch (inputType?.Trim().ToUpperInvariant())
        {
            case "QUERY" or "SEARCH_QUERY":
                return true;
            case "DOCUMENT" or "SEARCH_DOCUMENT" or "PASSAGE" or null or "":
                return false;
            default:
                throw new ArgumentException($"{settingName} '{inputType}' is not an input type; use query or document.", settingName);
        }
    }

    /// <summary>The request's <c>AdditionalProperties["input_type"]</c>, or <paramref name="fallback"/>.</summary>
    public static string? FromOptions(EmbeddingGenerationOptions? options, string? fallback)
    {
        if (options?.AdditionalProperties is { } properties && properties.TryGetValue(PropertyName, out object? value) && value is not null)
        {
            return value as string ?? value.ToString();
        }

        return fallback;
    }
}
