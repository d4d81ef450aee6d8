using LlamaDb.Embedders;
using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders.Http.Tests.Cohere;

/// <summary>Runs only when <c>COHERE_API_KEY</c> is set; never needed for CI.</summary>
public sealed class CohereLiveFactAttribute : FactAttribute
{
    public CohereLiveFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(CohereEmbeddingOptions.ApiKeyEnvironmentVariable)))
        {
            Skip = "COHERE_API_KEY is not set; the live Cohere tests are skipped.";
        }
    }
}

public sealed class CohereLiveTests
{
    private static CohereEmbeddingGenerator Create(int? dimensions = null) =>
        new(new CohereEmbeddingOptions { Model = Environment.GetEnvironmentVariable("COHERE_MODEL") ?? "embed-v4.0", Dimensions = dimensions });

    [CohereLiveFact]
    public async Task GenerateAsync_RealCohere_ReturnsOneVectorPerTextWithUsage()
    {
        using var generator = Create(dimensions: 256);

        var result = await generator.GenerateAsync(["The quick brown fox.", "Vector databases store embeddings."]);

        Assert.Equal(2, result.Count);
        Assert.All(result, e => Assert.Equal(256, e.Dimensions));
        Assert.True(result.Usage?.InputTokenCount > 0);
    }

    [CohereLiveFact]
    public async Task GenerateByTypeAsync_RealCohere_BinaryBitsMatchFloatSigns()
    {
        using var generator = Create(dimensions: 256);

        CohereEmbeddings result = await generator.GenerateByTypeAsync(
            ["Quantized embeddings"], CohereEmbeddingTypes.Float | CohereEmbeddingTypes.UBinary, EmbeddingInputTypes.ForQuery());

        float[] floats = result.Float![0].Vector.ToArray();
        BinaryEmbedding bits = result.UBinary![0];
        Assert.Equal(floats.Length, bits.Dimensions);
        for (int i = 0; i < floats.Length; i++)
        {
            Assert.Equal(floats[i] > 0, bits.Vector[i]);
        }
    }
}
