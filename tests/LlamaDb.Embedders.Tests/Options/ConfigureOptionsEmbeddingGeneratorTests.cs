using LlamaDb.Embedders.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders.Tests.Options;

public sealed class ConfigureOptionsEmbeddingGeneratorTests
{
    [Fact]
    public async Task GenerateAsync_NoOptions_CallbackGetsNewOptionsPassedInward()
    {
        var inner = new CountingEmbeddingGenerator();
        using IEmbeddingGenerator<string, Embedding<float>> generator = inner.AsBuilder().ConfigureOptions(o => o.Dimensions = 2).Build();

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(["a"]);

        Assert.Equal(2, inner.Calls.Single().Options?.Dimensions);
        Assert.Equal(2, result[0].Dimensions);
    }

    [Fact]
    public async Task GenerateAsync_CallerOptions_AreCopiedNotModified()
    {
        var inner = new CountingEmbeddingGenerator();
        using IEmbeddingGenerator<string, Embedding<float>> generator = inner.AsBuilder()
            .ConfigureOptions(o => o.ModelId ??= "default-model")
            .Build();
        var callerOptions = new EmbeddingGenerationOptions { Dimensions = 3 };

        await generator.GenerateAsync(["a"], callerOptions);

        EmbeddingGenerationOptions? seen = inner.Calls.Single().Options;
        Assert.NotSame(callerOptions, seen);
        Assert.Equal("default-model", seen?.ModelId);
        Assert.Equal(3, seen?.Dimensions);
        Assert.Null(callerOptions.ModelId);
    }
}
