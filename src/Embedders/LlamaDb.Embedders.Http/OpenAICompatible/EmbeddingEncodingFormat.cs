namespace LlamaDb.Embedders.Http;

/// <summary>How an OpenAI-compatible server is asked to encode vectors in its response (<c>encoding_format</c>).</summary>
public enum EmbeddingEncodingFormat
{
    /// <summary>JSON arrays of numbers (<c>"float"</c>); every OpenAI-compatible server supports it.</summary>
    Float,

    /// <summary>Base64 of little-endian float32 values (<c>"base64"</c>); about a quarter of the bytes, exact values.</summary>
    Base64,
}
