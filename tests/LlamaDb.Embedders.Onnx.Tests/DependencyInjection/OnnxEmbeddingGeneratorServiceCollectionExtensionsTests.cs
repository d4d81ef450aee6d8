using System.Text.Json;
using LlamaDb.Embedders.Onnx.Tests.Embeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlamaDb.Embedders.Onnx.Tests.DependencyInjection;

public sealed class OnnxEmbeddingGeneratorServiceCollectionExtensionsTests
{
    private static readonly JsonElement s_reference = Tests.Reference.Load("synthetic-embedder-tiny");

    private static string Folder => OnnxEmbeddingGeneratorTests.TinyEmbedder.Folder;

    private static string Text(int index) => Tests.Reference.Strings(s_reference.GetProperty("texts"))[index];

    private static double[] Expected(int index) => Tests.Reference.Doubles(s_reference.GetProperty("embeddings_mean_pooled_l2")[index]);

    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("Embeddings:Onnx");

    [Fact]
    public async Task AddOnnxEmbeddingGenerator_FromConfiguration_ResolvesWorkingGeneratorWithBoundOptions()
    {
        IConfigurationSection section = Section(new()
        {
            ["Embeddings:Onnx:ModelDirectory"] = Folder,
            ["Embeddings:Onnx:ModelId"] = "configured-tiny",
            ["Embeddings:Onnx:BatchSize"] = "3",
            ["Embeddings:Onnx:Pooling"] = "Mean",
            ["Embeddings:Onnx:Session:IntraOpThreads"] = "1",
        });
        var services = new ServiceCollection();
        EmbeddingGeneratorBuilder<string, Embedding<float>> builder = services.AddOnnxEmbeddingGenerator(section);
        Assert.NotNull(builder);
        await using ServiceProvider provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        Embedding<float> embedding = await generator.GenerateAsync(Text(0));

        Reference.AssertClose(Expected(0), embedding.Vector.Span, 1e-5);
        Assert.Equal("configured-tiny", embedding.ModelId);
        var onnx = Assert.IsType<OnnxEmbeddingGenerator>(generator.GetService(typeof(OnnxEmbeddingGenerator)));
        Assert.Equal(PoolingMode.Mean, onnx.Pooling);
        Assert.Same(generator, provider.GetRequiredService<IEmbeddingGenerator>());
    }

    [Fact]
    public async Task AddOnnxEmbeddingGenerator_ConfigureAfterBinding_WinsOverTheSection()
    {
        IConfigurationSection section = Section(new()
        {
            ["Embeddings:Onnx:ModelDirectory"] = Folder,
            ["Embeddings:Onnx:ModelId"] = "from-section",
        });
        var services = new ServiceCollection();
        services.AddOnnxEmbeddingGenerator(section, o => o.ModelId = "from-callback");
        await using ServiceProvider provider = services.BuildServiceProvider();

        Embedding<float> embedding = await provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(Text(1));

        Assert.Equal("from-callback", embedding.ModelId);
        Reference.AssertClose(Expected(1), embedding.Vector.Span, 1e-5);
    }

    [Fact]
    public async Task AddOnnxEmbeddingGenerator_SectionWithoutModel_FailsOnResolveNamingTheKey()
    {
        IConfigurationSection section = Section(new() { ["Embeddings:Onnx:BatchSize"] = "4" });
        var services = new ServiceCollection();
        services.AddOnnxEmbeddingGenerator(section); // registration reads nothing
        await using ServiceProvider provider = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());

        Assert.Contains("ModelDirectory", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Embeddings:Onnx", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddOnnxEmbeddingGenerator_BadBoundOption_FailsOnResolveNamingTheOption()
    {
        IConfigurationSection section = Section(new()
        {
            ["Embeddings:Onnx:ModelDirectory"] = Folder,
            ["Embeddings:Onnx:BatchSize"] = "0",
        });
        var services = new ServiceCollection();
        services.AddOnnxEmbeddingGenerator(section);
        await using ServiceProvider provider = services.BuildServiceProvider();

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());

        Assert.Equal("BatchSize", ex.ParamName);
    }

    [Fact]
    public async Task AddOnnxEmbeddingGenerator_UseCaching_SecondCallRunsNoModel()
    {
        int modelCalls = 0;
        var services = new ServiceCollection();
        services.AddOnnxEmbeddingGenerator(Folder, o => o.Session.IntraOpThreads = 1)
            .UseCaching()
            // Stages run in the order added, so this one sits between the cache and the ONNX generator.
            .Use(async (values, options, inner, cancellationToken) =>
            {
                Interlocked.Increment(ref modelCalls);
                return await inner.GenerateAsync(values, options, cancellationToken);
            });
        await using ServiceProvider provider = services.BuildServiceProvider();
        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var cache = Assert.IsType<MemoryCachingEmbeddingGenerator<string, Embedding<float>>>(
            generator.GetService(typeof(MemoryCachingEmbeddingGenerator<string, Embedding<float>>)));

        GeneratedEmbeddings<Embedding<float>> first = await generator.GenerateAsync([Text(0), Text(1)]);
        Assert.Equal(1, modelCalls);
        Assert.Equal(2, cache.Count);

        GeneratedEmbeddings<Embedding<float>> second = await generator.GenerateAsync([Text(1), Text(0)]);

        Assert.Equal(1, modelCalls);
        Assert.Equal(2, cache.Count);
        Assert.Equal(first[0].Vector.ToArray(), second[1].Vector.ToArray());
        Assert.Equal(first[1].Vector.ToArray(), second[0].Vector.ToArray());
        Reference.AssertClose(Expected(0), second[1].Vector.Span, 1e-5);
    }

    [Fact]
    public async Task AddKeyedOnnxEmbeddingGenerator_TwoKeys_ResolveSeparatePipelines()
    {
        IConfigurationSection section = Section(new()
        {
            ["Embeddings:Onnx:ModelDirectory"] = Folder,
            ["Embeddings:Onnx:ModelId"] = "keyed-from-config",
            ["Embeddings:Onnx:Session:IntraOpThreads"] = "1",
        });
        var services = new ServiceCollection();
        services.AddKeyedOnnxEmbeddingGenerator("config", section).UseCaching();
        services.AddKeyedOnnxEmbeddingGenerator("folder", Folder, o => o.Session.IntraOpThreads = 1);
        await using ServiceProvider provider = services.BuildServiceProvider();

        var fromConfig = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("config");
        var fromFolder = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("folder");

        Assert.NotSame(fromConfig, fromFolder);
        Assert.Same(fromConfig, provider.GetRequiredKeyedService<IEmbeddingGenerator>("config"));
        Assert.Null(provider.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.NotNull(fromConfig.GetService(typeof(MemoryCachingEmbeddingGenerator<string, Embedding<float>>)));
        Assert.Null(fromFolder.GetService(typeof(MemoryCachingEmbeddingGenerator<string, Embedding<float>>)));

        Embedding<float> a = await fromConfig.GenerateAsync(Text(2));
        Embedding<float> b = await fromFolder.GenerateAsync(Text(2));
        Assert.Equal("keyed-from-config", a.ModelId);
        Assert.Equal("synthetic-embedder-tiny", b.ModelId);
        Reference.AssertClose(Expected(2), a.Vector.Span, 1e-5);
        Reference.AssertClose(Expected(2), b.Vector.Span, 1e-5);
    }
}
