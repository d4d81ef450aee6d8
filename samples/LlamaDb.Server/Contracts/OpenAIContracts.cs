using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlamaDb.Server.Contracts;

/// <summary>OpenAI's <c>POST /v1/embeddings</c> request.</summary>
internal sealed class OpenAIEmbeddingRequest
{
    /// <summary>A string or an array of strings.</summary>
    [JsonPropertyName("input")]
    public JsonElement Input { get; set; }

    /// <summary>The model name; any value is accepted, the server embeds with its own model and reports it.</summary>
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    /// <summary><c>float</c> (default) or <c>base64</c> (little-endian float32).</summary>
    [JsonPropertyName("encoding_format")]
    public string? EncodingFormat { get; set; }

    /// <summary>Fewer dimensions than the model's: the vector is cut and re-normalized.</summary>
    [JsonPropertyName("dimensions")]
    public int? Dimensions { get; set; }

    /// <summary>Ignored.</summary>
    [JsonPropertyName("user")]
    public string? User { get; set; }
}

/// <summary>Cohere's <c>POST /v2/embed</c> request.</summary>
internal sealed class CohereEmbedRequest
{
    /// <summary>The model name; ignored beyond echoing.</summary>
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    /// <summary>The texts.</summary>
    [JsonPropertyName("texts")]
    public List<string?>? Texts { get; set; }

    /// <summary><c>search_document</c>, <c>search_query</c>, <c>classification</c> or <c>clustering</c>.</summary>
    [JsonPropertyName("input_type")]
    public string? InputType { get; set; }

    /// <summary>Only <c>float</c> is served.</summary>
    [JsonPropertyName("embedding_types")]
    public List<string>? EmbeddingTypes { get; set; }

    /// <summary>Fewer dimensions than the model's: cut and re-normalized.</summary>
    [JsonPropertyName("output_dimension")]
    public int? OutputDimension { get; set; }

    /// <summary>Accepted and ignored (the model truncates at its maximum length).</summary>
    [JsonPropertyName("truncate")]
    public string? Truncate { get; set; }
}

/// <summary>Cohere's <c>POST /v2/rerank</c> request.</summary>
internal sealed class CohereRerankRequest
{
    /// <summary>The model name; ignored beyond echoing.</summary>
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    /// <summary>The query.</summary>
    [JsonPropertyName("query")]
    public string? Query { get; set; }

    /// <summary>Strings, or objects with a <c>text</c> field.</summary>
    [JsonPropertyName("documents")]
    public List<JsonElement>? Documents { get; set; }

    /// <summary>How many results to return; all when null.</summary>
    [JsonPropertyName("top_n")]
    public int? TopN { get; set; }

    /// <summary>Whether each result carries its document.</summary>
    [JsonPropertyName("return_documents")]
    public bool? ReturnDocuments { get; set; }

    /// <summary>Accepted and ignored (the model truncates pairs at its maximum length).</summary>
    [JsonPropertyName("max_tokens_per_doc")]
    public int? MaxTokensPerDoc { get; set; }
}
