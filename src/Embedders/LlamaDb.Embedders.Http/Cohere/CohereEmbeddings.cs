using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders.Http;

/// <summary>
/// The embeddings of one <see cref="CohereEmbeddingGenerator.GenerateByTypeAsync"/> call, one collection per requested
/// type (the others are <see langword="null"/>), each in input order.
/// </summary>
public sealed class CohereEmbeddings
{
    /// <summary>Gets the <c>float</c> embeddings, when requested.</summary>
    public GeneratedEmbeddings<Embedding<float>>? Float { get; init; }

    /// <summary>Gets the <c>int8</c> embeddings, when requested.</summary>
    public GeneratedEmbeddings<Embedding<sbyte>>? Int8 { get; init; }

    /// <summary>Gets the <c>uint8</c> embeddings, when requested.</summary>
    public GeneratedEmbeddings<Embedding<byte>>? UInt8 { get; init; }

    /// <summary>Gets the <c>binary</c> embeddings unpacked to bits (bit i is dimension i, most significant bit of each byte first), when requested.</summary>
    public GeneratedEmbeddings<BinaryEmbedding>? Binary { get; init; }

    /// <summary>Gets the <c>ubinary</c> embeddings unpacked to bits (bit i is dimension i, most significant bit of each byte first), when requested.</summary>
    public GeneratedEmbeddings<BinaryEmbedding>? UBinary { get; init; }

    /// <summary>Gets the billed input tokens summed over every request, when the provider reported them.</summary>
    public UsageDetails? Usage { get; init; }
}
