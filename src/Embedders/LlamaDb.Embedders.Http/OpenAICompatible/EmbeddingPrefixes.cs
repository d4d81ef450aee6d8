namespace LlamaDb.Embedders.Http;

/// <summary>
/// The instruction prefixes that asymmetric embedding models expect before queries and documents; set them as
/// <see cref="OpenAICompatibleEmbeddingOptions.QueryPrefix"/> and <see cref="OpenAICompatibleEmbeddingOptions.DocumentPrefix"/>.
/// </summary>
public static class EmbeddingPrefixes
{
    /// <summary>E5 (<c>intfloat/e5-*</c>, <c>multilingual-e5-*</c>) query prefix.</summary>
    public const string E5Query = "query: ";

    /// <summary>E5 document prefix.</summary>
    public const string E5Passage = "passage: ";

    /// <summary>BGE English v1.5 query instruction (documents take no prefix).</summary>
    public const string BgeEnglishQuery = "Represent this sentence for searching relevant passages: ";

    /// <summary>BGE Chinese v1.5 query instruction (documents take no prefix).</summary>
    public const string BgeChineseQuery = "为这个句子生成表示以用于检索相关文章：";

    /// <summary>nomic-embed-text query prefix.</summary>
    public const string NomicQuery = "search_query: ";

    /// <summary>nomic-embed-text document prefix.</summary>
    public const string NomicDocument = "search_document: ";
}
