using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders.Http;

/// <summary>
/// The values of <c>EmbeddingGenerationOptions.AdditionalProperties["input_type"]</c> and helpers that set it. Cohere sends
/// it as <c>input_type</c>; OpenAI-compatible servers use it to pick the query or document prefix.
/// </summary>
public static class EmbeddingInputTypes
{
    /// <summary>The <see cref="EmbeddingGenerationOptions.AdditionalProperties"/> key: <c>input_type</c>.</summary>
    public const string PropertyName = "input_type";

    /// <summary>A search query (Cohere <c>search_query</c>; generic <c>query</c> is accepted too).</summary>
    public const string SearchQuery = "search_query";

    /// <summary>A document to be searched (Cohere <c>search_document</c>; generic <c>document</c> is accepted too).</summary>
    public const string SearchDocument = "search_document";

    /// <summary>Text to classify (Cohere only).</summary>
    public const string Classification = "classification";

    /// <summary>Text to cluster (Cohere only).</summary>
    public const string Clustering = "clustering";

    /// <summary>Returns a copy of <paramref name="options"/> (or new options) whose input type is <paramref name="inputType"/>.</summary>
    /// <param name="inputType">The input type, e.g. <see cref="SearchQuery"/>.</param>
    /// <param name="options">Options to copy; new ones when <see langword="null"/>.</param>
    /// <returns>The new options.</returns>
    public static EmbeddingGenerationOptions With(string inputType, EmbeddingGenerationOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(inputType);
        EmbeddingGenerationOptions copy = options?.Clone() ?? new EmbeddingGenerationOptions();
        copy.AdditionalProperties = copy.AdditionalProperties?.Clone() ?? [];
        copy.AdditionalProperties[PropertyName] = inputType;
        return copy;
    }

    /// <summary>Returns options marking the inputs as search queries.</summary>
    /// <param name="options">Options to copy; new ones when <see langword="null"/>.</param>
    /// <returns>The new options.</returns>
    public static EmbeddingGenerationOptions ForQuery(EmbeddingGenerationOptions? options = null) => With(SearchQuery, options);

    /// <summary>Returns options marking the inputs as documents to be searched.</summary>
    /// <param name="options">Options to copy; new ones when <see langword="null"/>.</param>
    /// <returns>The new options.</returns>
    public static EmbeddingGenerationOptions ForDocument(EmbeddingGenerationOptions? options = null) => With(SearchDocument, options);
}
