using Microsoft.Extensions.AI;
using OpenAI.Embeddings;

namespace LlamaDb.Embedders.OpenAI;

/// <summary>
/// <c>AsLlamaDbEmbeddingGenerator()</c> for an existing SDK client (named apart from Microsoft.Extensions.AI.OpenAI's
/// <c>AsIEmbeddingGenerator()</c>, which wraps the client without batching or oversize splitting). The SDK type appears in this signature on purpose: it is
/// the bridge for callers who already configured an <see cref="EmbeddingClient"/>.
/// </summary>
public static class OpenAIEmbeddingClientExtensions
{
    /// <summary>
    /// Wraps <paramref name="embeddingClient"/> as an <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> with this
    /// package's batching and oversize splitting. The client's own pipeline (auth, retries, timeouts) is used as configured;
    /// the generator adds no retries of its own.
    /// </summary>
    /// <param name="embeddingClient">The SDK client; its model is the default model.</param>
    /// <param name="defaultModelDimensions">Dimensions to ask for when a call does not say, also reported in the metadata.</param>
    /// <returns>The generator.</returns>
    public static IEmbeddingGenerator<string, Embedding<float>> AsLlamaDbEmbeddingGenerator(this EmbeddingClient embeddingClient, int? defaultModelDimensions = null) =>
        new OpenAIEmbeddingGenerator(ClientSetup.ForClient(embeddingClient, defaultModelDimensions), logger: null);
}
