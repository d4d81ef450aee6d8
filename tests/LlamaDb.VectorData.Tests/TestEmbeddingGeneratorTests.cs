using Microsoft.Extensions.AI;

namespace LlamaDb.VectorData.Tests;

/// <summary>The shared test double behaves as the conformance suite relies on.</summary>
public sealed class TestEmbeddingGeneratorTests
{
    private static double Dot(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    [Fact]
    public async Task GenerateAsync_Batch_OneCallRecordedWithItsInputs()
    {
        using var generator = new TestEmbeddingGenerator(16);

        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(["a b", "c"]);
        await generator.GenerateAsync(["d"]);

        Assert.Equal(2, embeddings.Count);
        Assert.Equal(2, generator.CallCount);
        Assert.Equal(["a b", "c"], generator.Calls[0]);
        Assert.Equal(["a b", "c", "d"], generator.Inputs);
    }

    [Fact]
    public async Task GenerateAsync_SameText_SameUnitVector()
    {
        using var generator = new TestEmbeddingGenerator(32);

        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(["The quick fox", "the QUICK fox!"]);

        float[] first = embeddings[0].Vector.ToArray();
        Assert.Equal(32, first.Length);
        Assert.Equal(1.0, Dot(first, first), 1e-6);
        Assert.Equal(first, embeddings[1].Vector.ToArray());
        Assert.Equal(first, generator.Embed("the quick fox"));
    }

    [Fact]
    public void Embed_SharedWords_MoreSimilarThanUnrelatedText()
    {
        using var generator = new TestEmbeddingGenerator(256);
        float[] query = generator.Embed("red apple pie");

        double similar = Dot(query, generator.Embed("apple pie with cream"));
        double unrelated = Dot(query, generator.Embed("diesel engine repair"));

        Assert.True(similar > unrelated, $"similar {similar} <= unrelated {unrelated}");
        Assert.True(similar > 0.4, $"similar {similar}");
    }

    [Fact]
    public void Embed_EmptyText_FixedUnitVector()
    {
        using var generator = new TestEmbeddingGenerator(4);

        Assert.Equal([1f, 0f, 0f, 0f], generator.Embed(" ,; "));
    }

    [Fact]
    public void Constructor_NonPositiveDimensions_Throws() => Assert.Throws<ArgumentOutOfRangeException>(() => new TestEmbeddingGenerator(0));

    [Fact]
    public void GetService_Metadata_ReportsDimensions()
    {
        using var generator = new TestEmbeddingGenerator(8);

        var metadata = Assert.IsType<EmbeddingGeneratorMetadata>(generator.GetService(typeof(EmbeddingGeneratorMetadata)));

        Assert.Equal(8, metadata.DefaultModelDimensions);
        Assert.Same(generator, generator.GetService(typeof(TestEmbeddingGenerator)));
    }
}
