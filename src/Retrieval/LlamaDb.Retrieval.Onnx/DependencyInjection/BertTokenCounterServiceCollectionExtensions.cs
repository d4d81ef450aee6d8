using LlamaDb.Embedders.Onnx;
using LlamaDb.Embedders.Onnx.Tokenization;
using LlamaDb.Retrieval;
using LlamaDb.Retrieval.Onnx;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="BertTokenCounter"/> as the chunkers' <see cref="ITokenCounter"/>, with the embedding model's token limit.</summary>
public static class BertTokenCounterServiceCollectionExtensions
{
    /// <summary>
    /// Adds a singleton <see cref="ITokenCounter"/> over the tokenizer of the registered ONNX embedding generator (found
    /// through <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;.GetService(typeof(BertTokenizer))</c>, so
    /// middleware around it is fine), and <see cref="ChunkerOptions"/> defaults whose <see cref="ChunkerOptions.MaxTokens"/>
    /// is the model's maximum sequence length minus its two special tokens. <c>AddLlamaDbRetrieval</c>'s chunker uses
    /// both (<c>LlamaDb:Chunking</c> still overrides). Nothing is loaded at registration: the model loads when the counter
    /// is first resolved.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddBertTokenCounter(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(static sp => new BertTokenCounter(ResolveTokenizer(sp)));
        services.TryAddSingleton<ITokenCounter>(static sp => sp.GetRequiredService<BertTokenCounter>());
        services.TryAddSingleton(static sp =>
        {
            var options = new ChunkerOptions { TokenCounter = sp.GetRequiredService<BertTokenCounter>() };
            if (Generator(sp).GetService<OnnxEmbeddingGenerator>() is { MaxSequenceLength: > BertTokenCounter.SpecialTokens } onnx)
            {
                options.MaxTokens = onnx.MaxSequenceLength - BertTokenCounter.SpecialTokens;
            }

            return options;
        });
        return services;
    }

    private static IEmbeddingGenerator<string, Embedding<float>> Generator(IServiceProvider services) =>
        services.GetService<IEmbeddingGenerator<string, Embedding<float>>>()
            ?? throw new InvalidOperationException("AddBertTokenCounter needs a registered IEmbeddingGenerator<string, Embedding<float>> over an ONNX model (OnnxEmbeddingGenerator).");

    private static BertTokenizer ResolveTokenizer(IServiceProvider services) =>
        Generator(services).GetService<BertTokenizer>()
            ?? throw new InvalidOperationException("The registered IEmbeddingGenerator<string, Embedding<float>> has no BertTokenizer (GetService(typeof(BertTokenizer)) returned null); AddBertTokenCounter needs an OnnxEmbeddingGenerator, or register an ITokenCounter yourself.");
}
