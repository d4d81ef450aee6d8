using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders.Onnx.Tests.Embeddings;

/// <summary>
/// Graph variants of the tiny embedder (scripts/make-test-models.sh): int32 ids, no token_type_ids, a pooled output,
/// and models that must be refused with a clear message.
/// </summary>
public sealed class ModelVariantTests
{
    private static readonly JsonElement s_reference = Reference.Load("synthetic-embedder-tiny");
    private static readonly string[] s_texts = Reference.Strings(s_reference.GetProperty("texts"));

    [Theory]
    [InlineData("int32-ids")]
    [InlineData("no-token-types")]
    [InlineData("pooled-output")]
    [InlineData("both-outputs")]
    public async Task GenerateAsync_Variant_MatchesReferenceEmbeddings(string variant)
    {
        using OnnxEmbeddingGenerator generator = await OnnxEmbeddingGenerator.CreateAsync(VariantFolder(variant));

        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(s_texts);

        for (int i = 0; i < s_texts.Length; i++)
        {
            Reference.AssertClose(Reference.Doubles(s_reference.GetProperty("embeddings_mean_pooled_l2")[i]), embeddings[i].Vector.Span, 1e-5);
        }
    }

    [Fact]
    public async Task CreateAsync_Int32Ids_FeedsInt32()
    {
        using OnnxEmbeddingGenerator generator = await OnnxEmbeddingGenerator.CreateAsync(VariantFolder("int32-ids"));

        Assert.All(generator.ModelInputs, i => Assert.Equal(OnnxElementType.Int32, i.ElementType));
    }

    [Fact]
    public async Task CreateAsync_PooledOutputWithoutPoolingConfig_UsesModelsPooledOutput()
    {
        using OnnxEmbeddingGenerator generator = await OnnxEmbeddingGenerator.CreateAsync(VariantFolder("pooled-output"));

        Assert.Equal("sentence_embedding", generator.OutputName);
        Assert.Equal(PoolingMode.Auto, generator.Pooling);
        Assert.Equal(32, generator.Dimensions);
    }

    [Fact]
    public async Task CreateAsync_BothOutputsWithPoolingConfig_PoolsTokenEmbeddings()
    {
        using OnnxEmbeddingGenerator generator = await OnnxEmbeddingGenerator.CreateAsync(VariantFolder("both-outputs"));

        Assert.Equal("last_hidden_state", generator.OutputName);
        Assert.Equal(PoolingMode.Mean, generator.Pooling);
    }

    [Fact]
    public async Task CreateAsync_ExplicitOutputName_UsesThatOutput()
    {
        var options = new OnnxEmbeddingGeneratorOptions { OutputName = "sentence_embedding" };
        using OnnxEmbeddingGenerator generator = await OnnxEmbeddingGenerator.CreateAsync(VariantFolder("both-outputs"), options);

        Assert.Equal("sentence_embedding", generator.OutputName);
        Embedding<float> embedding = await generator.GenerateAsync(s_texts[0]);
        Reference.AssertClose(Reference.Doubles(s_reference.GetProperty("embeddings_mean_pooled_l2")[0]), embedding.Vector.Span, 1e-5);
    }

    [Fact]
    public async Task CreateAsync_PooledOnlyModelWithExplicitPooling_ThrowsNotSupportedListingOutputs()
    {
        var options = new OnnxEmbeddingGeneratorOptions { Pooling = PoolingMode.Cls };

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => OnnxEmbeddingGenerator.CreateAsync(VariantFolder("pooled-output"), options));

        Assert.Contains("sentence_embedding: Float[batch_size, 32]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_UnpoolableOutput_ThrowsNotSupportedListingOutputs()
    {
        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => OnnxEmbeddingGenerator.CreateAsync(VariantFolder("unpoolable")));

        Assert.Contains("token_argmax: Int64[", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_UnknownInput_ThrowsNotSupportedListingInputs()
    {
        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => OnnxEmbeddingGenerator.CreateAsync(VariantFolder("extra-input")));

        Assert.Contains("pixel_values", ex.Message, StringComparison.Ordinal);
        Assert.Contains("input_ids: Int64[batch_size, sequence_length]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_UnknownOutputName_ThrowsNotSupportedListingOutputs()
    {
        var options = new OnnxEmbeddingGeneratorOptions { OutputName = "pooler_output" };

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => OnnxEmbeddingGenerator.CreateAsync(VariantFolder("both-outputs"), options));

        Assert.Contains("last_hidden_state", ex.Message, StringComparison.Ordinal);
    }

    private static string VariantFolder(string variant)
    {
        string folder = TestPaths.TestModel(variant);
        Assert.True(Directory.Exists(folder), $"'{folder}' is missing: run scripts/make-test-models.sh (the test script does).");
        return folder;
    }
}
