using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders;

/// <summary>
/// The <c>input_type</c> convention: <see cref="EmbeddingGenerationOptions.AdditionalProperties"/>[<see cref="PropertyName"/>]
/// says what the inputs are for. Hosted providers map it to their own field (Cohere's <c>input_type</c>); local models
/// get the matching text prefix from <see cref="InputTypePrefixingEmbeddingGenerator{TEmbedding}"/>.
/// </summary>
public static class EmbeddingInputTypes
{
    /// <summary>The additional-property name: <c>input_type</c>.</summary>
    public const string PropertyName = "input_type";

    /// <summary>Inputs are search queries: <c>search_query</c>.</summary>
    public const string SearchQuery = "search_query";

    /// <summary>Inputs are documents (passages) to be searched: <c>search_document</c>.</summary>
    public const string SearchDocument = "search_document";

    /// <summary>Inputs are texts to classify: <c>classification</c>.</summary>
    public const string Classification = "classification";

    /// <summary>Inputs are texts to cluster: <c>clustering</c>.</summary>
    public const string Clustering = "clustering";

    /// <summary>
    /// Maps an input type to its canonical name, the one vocabulary every LlamaDb provider and stage uses:
    /// <see cref="SearchQuery"/> (also <c>query</c>), <see cref="SearchDocument"/> (also <c>document</c>, <c>passage</c>),
    /// <see cref="Classification"/> and <see cref="Clustering"/>; case and surrounding spaces are ignored.
    /// </summary>
    /// <param name="inputType">The input type.</param>
    /// <param name="settingName">Names the setting in the exception, e.g. <c>CohereEmbeddingOptions.InputType</c>.</param>
    /// <returns>The canonical name.</returns>
    /// <exception cref="ArgumentException"><paramref name="inputType"/> is none of these.</exception>
    public static string Normalize(string inputType, string? settingName = null)
    {
        ArgumentNullException.ThrowIfNull(inputType);
        return inputType.Trim().ToUpperInvariant() switch
        {
            "SEARCH_QUERY" or "QUERY" => SearchQuery,
            "SEARCH_DOCUMENT" or "DOCUMENT" or "PASSAGE" => SearchDocument,
            "CLASSIFICATION" => Classification,
            "CLUSTERING" => Clustering,
            _ => throw new ArgumentException(
                $"{settingName ?? PropertyName} '{inputType}' is not an input type; use {SearchQuery} (query), {SearchDocument} (document, passage), {Classification} or {Clustering}.",
                settingName ?? PropertyName),
        };
    }

    /// <summary>Returns a copy of <paramref name="options"/> (or new options) with <c>input_type</c> set to <paramref name="inputType"/>.</summary>
    /// <param name="options">The options to copy; not modified.</param>
    /// <param name="inputType">The input type, e.g. <see cref="SearchQuery"/>.</param>
    /// <returns>The new options.</returns>
    public static EmbeddingGenerationOptions WithInputType(this EmbeddingGenerationOptions? options, string inputType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(inputType);
        EmbeddingGenerationOptions copy = options?.Clone() ?? new EmbeddingGenerationOptions();
        copy.AdditionalProperties = copy.AdditionalProperties is null ? [] : new AdditionalPropertiesDictionary(copy.AdditionalProperties);
        copy.AdditionalProperties[PropertyName] = inputType;
        return copy;
    }

    /// <summary>Returns a copy of <paramref name="options"/> (or new options) whose input type is <paramref name="inputType"/>.</summary>
    /// <param name="inputType">The input type, e.g. <see cref="SearchQuery"/>.</param>
    /// <param name="options">Options to copy; new ones when <see langword="null"/>.</param>
    /// <returns>The new options.</returns>
    public static EmbeddingGenerationOptions With(string inputType, EmbeddingGenerationOptions? options = null) => options.WithInputType(inputType);

    /// <summary>Returns options marking the inputs as search queries.</summary>
    /// <param name="options">Options to copy; new ones when <see langword="null"/>.</param>
    /// <returns>The new options.</returns>
    public static EmbeddingGenerationOptions ForQuery(EmbeddingGenerationOptions? options = null) => options.WithInputType(SearchQuery);

    /// <summary>Returns options marking the inputs as documents to be searched.</summary>
    /// <param name="options">Options to copy; new ones when <see langword="null"/>.</param>
    /// <returns>The new options.</returns>
    public static EmbeddingGenerationOptions ForDocument(EmbeddingGenerationOptions? options = null) => options.WithInputType(SearchDocument);

    /// <summary>Reads <c>input_type</c> from <paramref name="options"/>, normalized by <see cref="Normalize(string, string?)"/>.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The canonical input type, or <see langword="null"/> when absent.</returns>
    /// <exception cref="ArgumentException">The value is present but not a string, or not an input type.</exception>
    public static string? GetInputType(this EmbeddingGenerationOptions? options)
    {
        if (options?.AdditionalProperties is null || !options.AdditionalProperties.TryGetValue(PropertyName, out object? value) || value is null)
        {
            return null;
        }

        string? text = value switch
        {
            string s => s,
            System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.String } element => element.GetString(),
            _ => throw new ArgumentException(
                $"The '{PropertyName}' additional property must be a string; it is a {value.GetType().Name}.", nameof(options)),
        };
        return text is null ? null : Normalize(text, $"AdditionalProperties[\"{PropertyName}\"]");
    }
}
