namespace LlamaDb.Embedders.Http;

/// <summary>The <c>embedding_types</c> a Cohere request asks for; several can come back from one request.</summary>
[Flags]
public enum CohereEmbeddingTypes
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary><c>float</c>: 32-bit floats.</summary>
    Float = 1,

    /// <summary><c>int8</c>: one signed byte per dimension.</summary>
    Int8 = 2,

    /// <summary><c>uint8</c>: one unsigned byte per dimension.</summary>
    UInt8 = 4,

    /// <summary><c>binary</c>: one bit per dimension, packed eight to a byte and sent as signed bytes (packed value - 128).</summary>
    Binary = 8,

    /// <summary><c>ubinary</c>: one bit per dimension, packed eight to a byte and sent as unsigned bytes.</summary>
    UBinary = 16,
}
