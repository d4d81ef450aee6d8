using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders.OpenAI.Tests.Embeddings;

/// <summary>A fact that runs only when the named environment variables are set (a real service's credentials).</summary>
public sealed class RequiresEnvironmentFactAttribute : FactAttribute
{
    public RequiresEnvironmentFactAttribute(params string[] variables)
    {
        string[] missing = [.. variables.Where(v => string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(v)))];
        if (missing.Length > 0)
        {
            Skip = "Calls the real service; set " + string.Join(", ", missing) + " to run it.";
        }
    }
}

/// <summary>Optional checks against the hosted services; never needed for CI.</summary>
public sealed class RealServiceTests
{
    [RequiresEnvironmentFact("OPENAI_API_KEY")]
    public async Task OpenAI_RealService_ReturnsRequestedDimensionsInOrder()
    {
        using var generator = new OpenAIEmbeddingGenerator(new OpenAIEmbeddingOptions { Model = "text-embedding-3-small", Dimensions = 256 });

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(["The cat sat on the mat.", "Quarterly revenue grew 4%.", "A kitten rested on the rug."]);

        Assert.Equal(3, result.Count);
        Assert.All(result, e => Assert.Equal(256, e.Dimensions));
        Assert.True(result.Usage?.InputTokenCount > 0);
        Assert.True(Dot(result[0], result[2]) > Dot(result[0], result[1]));
    }

    [RequiresEnvironmentFact("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_EMBEDDING_DEPLOYMENT")]
    public async Task AzureOpenAI_RealService_ReturnsEmbeddings()
    {
        using var generator = new OpenAIEmbeddingGenerator(new AzureOpenAIEmbeddingOptions
        {
            Deployment = Environment.GetEnvironmentVariable("AZURE_OPENAI_EMBEDDING_DEPLOYMENT"),
        });

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(["hello", "world"]);

        Assert.Equal(2, result.Count);
        Assert.True(result[0].Dimensions > 0);
    }

    private static float Dot(Embedding<float> a, Embedding<float> b)
    {
        float sum = 0;
        for (int i = 0; i < a.Vector.Length; i++)
        {
            sum += a.Vector.Span[i] * b.Vector.Span[i];
        }

        return sum;
    }
}
