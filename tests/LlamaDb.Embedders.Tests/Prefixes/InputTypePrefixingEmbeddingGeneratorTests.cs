using System.Text.Json;
using LlamaDb.Embedders.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders.Tests.Prefixes;

public sealed class InputTypePrefixingEmbeddingGeneratorTests
{
    public static TheoryData<string, string, string> Cases => new()
    {
        { "e5", EmbeddingInputTypes.SearchQuery, "query: how tall" },
        { "e5", EmbeddingInputTypes.SearchDocument, "passage: how tall" },
        { "bge", EmbeddingInputTypes.SearchQuery, "Represent this sentence for searching relevant passages: how tall" },
        { "bge", EmbeddingInputTypes.SearchDocument, "how tall" },
        { "nomic", EmbeddingInputTypes.SearchQuery, "search_query: how tall" },
        { "nomic", EmbeddingInputTypes.SearchDocument, "search_document: how tall" },
        { "nomic", EmbeddingInputTypes.Clustering, "clustering: how tall" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task GenerateAsync_InputType_PrependsTheModelsPrefix(string model, string inputType, string expected)
    {
        TextPrefixes prefixes = model switch { "e5" => TextPrefixes.E5, "bge" => TextPrefixes.Bge, _ => TextPrefixes.Nomic };
        var inner = new CountingEmbeddingGenerator();
        using IEmbeddingGenerator<string, Embedding<float>> generator = inner.AsBuilder().UseInputTypePrefixes(prefixes).Build();

        await generator.GenerateAsync(["how tall"], ((EmbeddingGenerationOptions?)null).WithInputType(inputType));

        Assert.Equal([expected], inner.Calls.Single().Inputs);
        Assert.Equal(inputType, inner.Calls.Single().Options.GetInputType());
    }

    [Fact]
    public async Task GenerateAsync_NoInputType_PassesTextsUnchanged()
    {
        var inner = new CountingEmbeddingGenerator();
        using var generator = new InputTypePrefixingEmbeddingGenerator<Embedding<float>>(inner, TextPrefixes.E5);

        await generator.GenerateAsync(["plain"], new EmbeddingGenerationOptions());

        Assert.Equal(["plain"], inner.Calls.Single().Inputs);
    }

    [Fact]
    public async Task GenerateAsync_AlreadyPrefixed_NotPrefixedTwice()
    {
        var inner = new CountingEmbeddingGenerator();
        using var generator = new InputTypePrefixingEmbeddingGenerator<Embedding<float>>(inner, TextPrefixes.E5);

        await generator.GenerateAsync(["query: x", "y"], new EmbeddingGenerationOptions().WithInputType(EmbeddingInputTypes.SearchQuery));

        Assert.Equal(["query: x", "query: y"], inner.Calls.Single().Inputs);
    }

    [Fact]
    public async Task GenerateAsync_InputTypeAsJsonElement_IsUnderstood()
    {
        var inner = new CountingEmbeddingGenerator();
        using var generator = new InputTypePrefixingEmbeddingGenerator<Embedding<float>>(inner, TextPrefixes.Nomic);
        var options = new EmbeddingGenerationOptions
        {
            AdditionalProperties = new() { ["input_type"] = JsonDocument.Parse("\"search_document\"").RootElement },
        };

        await generator.GenerateAsync(["d"], options);

        Assert.Equal(["search_document: d"], inner.Calls.Single().Inputs);
    }

    [Fact]
    public async Task GenerateAsync_UnknownInputType_ThrowsNamingIt()
    {
        using var generator = new InputTypePrefixingEmbeddingGenerator<Embedding<float>>(new CountingEmbeddingGenerator(), TextPrefixes.E5);

        ArgumentException e = await Assert.ThrowsAsync<ArgumentException>(
            () => generator.GenerateAsync(["d"], new EmbeddingGenerationOptions().WithInputType("search-query")));

        Assert.Contains("search-query", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_InputTypeWithoutPrefixForThisModel_ThrowsNotSupported()
    {
        var prefixes = new TextPrefixes { Query = "q: ", Document = "d: " };
        using var generator = new InputTypePrefixingEmbeddingGenerator<Embedding<float>>(new CountingEmbeddingGenerator(), prefixes);

        await Assert.ThrowsAsync<NotSupportedException>(
            () => generator.GenerateAsync(["d"], new EmbeddingGenerationOptions().WithInputType(EmbeddingInputTypes.Clustering)));
    }

    [Theory]
    [InlineData("query", "query: x")]
    [InlineData(" Search_Query ", "query: x")]
    [InlineData("document", "passage: x")]
    [InlineData("passage", "passage: x")]
    [InlineData("search_document", "passage: x")]
    public async Task GenerateAsync_InputTypeAlias_MapsToTheCanonicalPrefix(string inputType, string expected)
    {
        var inner = new CountingEmbeddingGenerator();
        using var generator = new InputTypePrefixingEmbeddingGenerator<Embedding<float>>(inner, TextPrefixes.E5);

        await generator.GenerateAsync(["x"], new EmbeddingGenerationOptions().WithInputType(inputType));

        Assert.Equal([expected], inner.Calls.Single().Inputs);
    }

    [Theory]
    [InlineData("query", EmbeddingInputTypes.SearchQuery)]
    [InlineData("SEARCH_QUERY", EmbeddingInputTypes.SearchQuery)]
    [InlineData("document", EmbeddingInputTypes.SearchDocument)]
    [InlineData("passage", EmbeddingInputTypes.SearchDocument)]
    [InlineData("classification", EmbeddingInputTypes.Classification)]
    [InlineData(" clustering", EmbeddingInputTypes.Clustering)]
    public void Normalize_KnownNamesAndAliases_GiveTheCanonicalName(string inputType, string expected) =>
        Assert.Equal(expected, EmbeddingInputTypes.Normalize(inputType));

    [Fact]
    public void Normalize_Unknown_ThrowsNamingTheSetting()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => EmbeddingInputTypes.Normalize("image", "Options.InputType"));
        Assert.Equal("Options.InputType", e.ParamName);
        Assert.Contains("image", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("query: ", "query: x", "query: x")]
    [InlineData("query: ", "x", "query: x")]
    [InlineData("", "x", "x")]
    [InlineData(null, "x", "x")]
    public void Apply_PrefixAlreadyPresent_IsNotDoubled(string? prefix, string text, string expected) =>
        Assert.Equal(expected, TextPrefixes.Apply(prefix, text));

    [Fact]
    public async Task GenerateAsync_NonStringInputType_Throws()
    {
        using var generator = new InputTypePrefixingEmbeddingGenerator<Embedding<float>>(new CountingEmbeddingGenerator(), TextPrefixes.E5);
        var options = new EmbeddingGenerationOptions { AdditionalProperties = new() { ["input_type"] = 3 } };

        await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["d"], options));
    }

    [Fact]
    public void WithInputType_DoesNotModifyTheOriginal()
    {
        var original = new EmbeddingGenerationOptions { Dimensions = 5, AdditionalProperties = new() { ["truncate"] = "END" } };

        EmbeddingGenerationOptions copy = original.WithInputType(EmbeddingInputTypes.SearchQuery);

        Assert.Null(original.GetInputType());
        Assert.Equal("search_query", copy.GetInputType());
        Assert.Equal("END", copy.AdditionalProperties?["truncate"]);
        Assert.Equal(5, copy.Dimensions);
    }

    [Fact]
    public async Task Pipeline_CachingOverPrefixing_QueryAndDocumentCachedSeparately()
    {
        var inner = new CountingEmbeddingGenerator();
        using IEmbeddingGenerator<string, Embedding<float>> generator = inner.AsBuilder()
            .UseCaching()
            .UseInputTypePrefixes(TextPrefixes.E5)
            .Build();

        GeneratedEmbeddings<Embedding<float>> query = await generator.GenerateAsync(["x"], new EmbeddingGenerationOptions().WithInputType("search_query"));
        GeneratedEmbeddings<Embedding<float>> document = await generator.GenerateAsync(["x"], new EmbeddingGenerationOptions().WithInputType("search_document"));
        await generator.GenerateAsync(["x"], new EmbeddingGenerationOptions().WithInputType("search_query"));

        Assert.Equal(2, inner.CallCount);
        Assert.NotEqual(query[0].Vector.ToArray(), document[0].Vector.ToArray());
    }
}
