using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders;

/// <summary><c>UseInputTypePrefixes</c>: prefix texts by <c>input_type</c> for local models (E5, BGE, nomic).</summary>
public static class InputTypePrefixingEmbeddingGeneratorBuilderExtensions
{
    /// <summary>Adds an <see cref="InputTypePrefixingEmbeddingGenerator{TEmbedding}"/> stage.</summary>
    /// <typeparam name="TEmbedding">The embedding type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="prefixes">The model's prefixes, e.g. <see cref="TextPrefixes.E5"/>, <see cref="TextPrefixes.Bge"/>, <see cref="TextPrefixes.Nomic"/>.</param>
    /// <returns>The builder.</returns>
    public static EmbeddingGeneratorBuilder<string, TEmbedding> UseInputTypePrefixes<TEmbedding>(
        this EmbeddingGeneratorBuilder<string, TEmbedding> builder, TextPrefixes prefixes)
        where TEmbedding : Embedding
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(prefixes);
        return builder.Use(innerGenerator => new InputTypePrefixingEmbeddingGenerator<TEmbedding>(innerGenerator, prefixes));
    }
}
