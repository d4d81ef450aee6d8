using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders.Http.Internal;

/// <summary>Reads and normalizes the <c>input_type</c> of a request.</summary>
internal static class InputTypes
{
    public const string PropertyName = "input_type";

    /// <summary>The canonical input type (<see cref="EmbeddingInputTypes.Normalize(string, string?)"/>); none means search_document.</summary>
    public static string Normalize(string? inputType, string settingName) =>
        string.IsNullOrWhiteSpace(inputType) ? EmbeddingInputTypes.SearchDocument : EmbeddingInputTypes.Normalize(inputType, settingName);

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
