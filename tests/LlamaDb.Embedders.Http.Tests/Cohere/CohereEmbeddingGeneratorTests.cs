using LlamaDb.Embedders;
using System.Net;
using System.Text.Json.Nodes;
using LlamaDb.Embedders.Http.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Embedders.Http.Tests.Cohere;

public sealed class CohereEmbeddingGeneratorTests
{
    private const string Key = "co-test-SECRET-9876543210";

    internal static CohereEmbeddingGenerator Create(
        LoopbackEmbeddingServer server, Action<CohereEmbeddingOptions>? configure = null, TimeProvider? time = null, ILogger? logger = null)
    {
        var options = new CohereEmbeddingOptions
        {
            Endpoint = server.BaseAddress,
            Model = "embed-v4.0",
            ApiKey = Key,
            Timeout = TimeSpan.FromHours(1),
            MaxRetryDelay = TimeSpan.FromMinutes(5),
        };
        configure?.Invoke(options);
        return new CohereEmbeddingGenerator(options, null, logger, time ?? new InstantTimeProvider());
    }

    private static EmbeddingGenerationOptions With(string name, object value) =>
        new() { AdditionalProperties = new() { [name] = value } };

    // Packed bytes written out as binary digits, most significant first (numpy packbits order).
    private static bool[] Bits(byte[] packed) =>
        [.. string.Concat(packed.Select(b => Convert.ToString(b, 2).PadLeft(8, '0'))).Select(c => c == '1')];

    private static bool[] Bits(BinaryEmbedding embedding) => [.. Enumerable.Range(0, embedding.Vector.Length).Select(i => embedding.Vector[i])];

    [Fact]
    public async Task GenerateAsync_SendsExactV2RequestAndParsesFloats()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        using var generator = Create(server);
        string[] texts = ["hello", "wörld"];

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(texts);

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("/v2/embed", request.Path);
        Assert.Equal("Bearer " + Key, request.Authorization);
        var expected = JsonNode.Parse("""{"model":"embed-v4.0","texts":["hello","wörld"],"input_type":"search_document","embedding_types":["float"]}""");
        Assert.True(JsonNode.DeepEquals(expected, request.Json), request.Body);
        Assert.Equal(LoopbackEmbeddingServer.ExpectedVector("hello", 16), result[0].Vector.ToArray());
        Assert.Equal(LoopbackEmbeddingServer.ExpectedVector("wörld", 16), result[1].Vector.ToArray());
        Assert.Equal("embed-v4.0", result[0].ModelId);
        Assert.Equal(10, result.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task GenerateAsync_OptionsAndPerRequestSettings_MapToInputTypeTruncateAndOutputDimension()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        using var generator = Create(server, o =>
        {
            o.Truncate = "end";
            o.Dimensions = 512;
            o.InputType = "classification";
        });

        await generator.GenerateAsync(["a"]);
        var perRequest = EmbeddingInputTypes.With("query", new EmbeddingGenerationOptions { Dimensions = 256, ModelId = "embed-english-v3.0" });
        perRequest.AdditionalProperties!["truncate"] = "START";
        var result = await generator.GenerateAsync(["b"], perRequest);

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"model":"embed-v4.0","texts":["a"],"input_type":"classification","embedding_types":["float"],"truncate":"END","output_dimension":512}"""),
            server.Requests[0].Json), server.Requests[0].Body);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"model":"embed-english-v3.0","texts":["b"],"input_type":"search_query","embedding_types":["float"],"truncate":"START","output_dimension":256}"""),
            server.Requests[1].Json), server.Requests[1].Body);
        Assert.Equal(256, result[0].Dimensions);
    }

    [Theory]
    [InlineData("query", "search_query")]
    [InlineData("search_query", "search_query")]
    [InlineData("document", "search_document")]
    [InlineData("Search_Document", "search_document")]
    [InlineData("clustering", "clustering")]
    [InlineData("classification", "classification")]
    public async Task GenerateAsync_InputType_MapsGenericAndCohereValues(string given, string sent)
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        using var generator = Create(server);

        await generator.GenerateAsync(["a"], With("input_type", given));

        Assert.Equal(sent, server.Requests[0].Json["input_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task GenerateAsync_InvalidInputTypeOrTruncate_ThrowsBeforeSending()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        using var generator = Create(server);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["a"], With("input_type", "image-ish")));
        Assert.Contains("input_type", ex.Message, StringComparison.Ordinal);
        ex = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["a"], With("truncate", "MIDDLE")));
        Assert.Contains("truncate", ex.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task GenerateAsync_200Texts_SplitsAt96AndKeepsOrder()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        using var generator = Create(server, o => o.MaxConcurrency = 2);
        string[] texts = [.. Enumerable.Range(0, 200).Select(i => $"document {i}")];

        var result = await generator.GenerateAsync(texts);

        Assert.Equal([96, 96, 8], server.Requests.Select(r => r.Inputs.Count).OrderDescending());
        Assert.All(server.Requests, r => Assert.True(r.Inputs.Count <= 96));
        Assert.Equal(200, result.Count);
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(LoopbackEmbeddingServer.ExpectedVector(texts[i], 16), result[i].Vector.ToArray());
        }

        Assert.Equal(texts.Sum(t => t.Length), result.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task GenerateByTypeAsync_AllTypes_OneRequestParsesEachExactly()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        using var generator = Create(server, o => o.Dimensions = 32);
        string[] texts = ["first", "second text", "3"];

        CohereEmbeddings result = await generator.GenerateByTypeAsync(
            texts, CohereEmbeddingTypes.Float | CohereEmbeddingTypes.Int8 | CohereEmbeddingTypes.UInt8 | CohereEmbeddingTypes.Binary | CohereEmbeddingTypes.UBinary);

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""["float","int8","uint8","binary","ubinary"]"""), request.Json["embedding_types"]), request.Body);
        for (int i = 0; i < texts.Length; i++)
        {
            sbyte[] int8 = LoopbackEmbeddingServer.ExpectedInt8(texts[i], 32);
            byte[] packed = LoopbackEmbeddingServer.ExpectedPackedBits(texts[i], 32);
            Assert.Equal(LoopbackEmbeddingServer.ExpectedVector(texts[i], 32), result.Float![i].Vector.ToArray());
            Assert.Equal(int8, result.Int8![i].Vector.ToArray());
            Assert.Equal(int8.Select(v => (byte)(v + 128)), result.UInt8![i].Vector.ToArray());
            Assert.Equal(Bits(packed), Bits(result.Binary![i]));
            Assert.Equal(Bits(packed), Bits(result.UBinary![i]));
            Assert.Equal(32, result.UBinary![i].Dimensions);
        }

        Assert.Equal(texts.Sum(t => t.Length), result.Usage?.InputTokenCount);
        Assert.Same(result.Usage, result.Int8!.Usage);
    }

    [Fact]
    public async Task GenerateBinaryAsync_UnpacksMostSignificantBitFirst()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.EnqueueStatus(200, """{"id":"x","embeddings":{"ubinary":[[128,1]]},"meta":{"billed_units":{"input_tokens":1}}}""");
        using var generator = Create(server);

        var result = await generator.GenerateBinaryAsync(["a"]);

        Assert.Equal(["ubinary"], server.Requests[0].Json["embedding_types"]!.AsArray().Select(n => n!.GetValue<string>()));
        bool[] bits = [.. Enumerable.Range(0, 16).Select(i => result[0].Vector[i])];
        Assert.Equal([true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, true], bits);
    }

    [Fact]
    public async Task GenerateInt8AndUInt8Async_RequestOnlyThatType()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        using var generator = Create(server);

        var int8 = await generator.GenerateInt8Async(["abc"]);
        var uint8 = await generator.GenerateUInt8Async(["abc"]);

        Assert.Equal(["int8"], server.Requests[0].Json["embedding_types"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["uint8"], server.Requests[1].Json["embedding_types"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(LoopbackEmbeddingServer.ExpectedInt8("abc", 16), int8[0].Vector.ToArray());
        Assert.Equal(LoopbackEmbeddingServer.ExpectedInt8("abc", 16).Select(v => (byte)(v + 128)), uint8[0].Vector.ToArray());
    }

    [Fact]
    public async Task TypedViews_ComposeAsEmbeddingGenerators()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        using var generator = Create(server, o => o.Dimensions = 8);
        IEmbeddingGenerator<string, Embedding<sbyte>> int8 = generator.AsInt8EmbeddingGenerator();
        IEmbeddingGenerator<string, Embedding<byte>> uint8 = generator.AsUInt8EmbeddingGenerator();
        IEmbeddingGenerator<string, BinaryEmbedding> binary = generator.AsBinaryEmbeddingGenerator();

        var i8 = await int8.GenerateAsync(["q"], EmbeddingInputTypes.ForQuery());
        var u8 = await uint8.GenerateAsync(["q"]);
        var bits = await binary.GenerateAsync(["q"]);

        Assert.Equal(LoopbackEmbeddingServer.ExpectedInt8("q", 8), i8[0].Vector.ToArray());
        Assert.Equal(LoopbackEmbeddingServer.ExpectedInt8("q", 8).Select(v => (byte)(v + 128)), u8[0].Vector.ToArray());
        Assert.Equal(Bits(LoopbackEmbeddingServer.ExpectedPackedBits("q", 8)), Bits(bits[0]));
        Assert.Equal("search_query", server.Requests[0].Json["input_type"]!.GetValue<string>());
        Assert.Equal("cohere", binary.GetService<EmbeddingGeneratorMetadata>()?.ProviderName);
        Assert.Same(generator, int8.GetService<CohereEmbeddingGenerator>());
    }

    [Fact]
    public async Task GenerateAsync_V1FloatArrayShape_IsAccepted()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.EnqueueStatus(200, """{"id":"x","response_type":"embeddings_floats","embeddings":[[0.5,-0.25],[1.5,2]],"texts":["a","b"],"meta":{"api_version":{"version":"1"},"billed_units":{"input_tokens":2}}}""");
        using var generator = Create(server);

        var result = await generator.GenerateAsync(["a", "b"]);

        Assert.Equal([0.5f, -0.25f], result[0].Vector.ToArray());
        Assert.Equal([1.5f, 2f], result[1].Vector.ToArray());
        Assert.Equal(2, result.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task GenerateAsync_V1EmbeddingsByTypeShape_IsAccepted()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.EnqueueStatus(200, """{"id":"x","response_type":"embeddings_by_type","embeddings_by_type":{"float":[[0.125,0.75]]},"texts":["a"]}""");
        using var generator = Create(server);

        var result = await generator.GenerateAsync(["a"]);

        Assert.Equal([0.125f, 0.75f], result[0].Vector.ToArray());
        Assert.Null(result.Usage);
    }

    [Fact]
    public async Task GenerateAsync_400WithMessage_FailsAtOnce()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.Handler = (context, _) => LoopbackEmbeddingServer.RespondAsync(context, 400, """{"id":"e1","message":"invalid request: model 'embed-v9' not found"}""");
        using var generator = Create(server);

        var ex = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a"]));

        Assert.Single(server.Requests);
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal("invalid request: model 'embed-v9' not found", ex.ProviderMessage);
        Assert.Equal("cohere", ex.Provider);
    }

    [Fact]
    public async Task GenerateAsync_TooManyTextsError_SplitsTheBatch()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.Handler = (context, request) => request.Inputs.Count > 2
            ? LoopbackEmbeddingServer.RespondAsync(context, 400, $$"""{"message":"invalid request: total number of texts must be at most 2 - received {{request.Inputs.Count}}"}""")
            : LoopbackEmbeddingServer.CohereResponseAsync(context, request);
        using var generator = Create(server);
        string[] texts = ["a", "b", "c", "d"];

        var result = await generator.GenerateAsync(texts);

        Assert.Equal([4, 2, 2], server.Requests.Select(r => r.Inputs.Count));
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(LoopbackEmbeddingServer.ExpectedVector(texts[i], 16), result[i].Vector.ToArray());
        }
    }

    [Fact]
    public async Task GenerateAsync_429ThenSuccess_HonorsRetryAfter()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.EnqueueStatus(429, """{"message":"You are using a Trial key, which is limited to 100 API calls / minute."}""", headers: new Dictionary<string, string> { ["Retry-After"] = "1" });
        var time = new InstantTimeProvider();
        using var generator = Create(server, time: time);

        var result = await generator.GenerateAsync(["a"]);

        Assert.Equal(2, server.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(1)], time.Delays);
        Assert.Single(result);
    }

    [Fact]
    public async Task GenerateAsync_500Always_SurfacesAfterRetries()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.Handler = (context, _) => LoopbackEmbeddingServer.RespondAsync(context, 500, """{"message":"internal server error"}""");
        using var generator = Create(server, o => o.MaxRetries = 3);

        var ex = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a"]));

        Assert.Equal(4, server.Requests.Count);
        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Equal("internal server error", ex.ProviderMessage);
    }

    [Theory]
    [InlineData("""{"id":"x","embeddings":{"float":[[0.1],[0.2]]}}""", "2 float embeddings for 3 texts")]
    [InlineData("""{"id":"x","embeddings":{"int8":[[1],[2],[3]]}}""", "no \"float\" embeddings")]
    [InlineData("""{"id":"x","embeddings":{"float":[[0.1],[0.2],["a"]]}}""", "float[2][0]")]
    [InlineData("""{"id":"x","embeddings":{"float":[[0.1],[0.2,0.3],[0.4]]}}""", "different lengths")]
    [InlineData("""{"id":"x","embeddings":{"float":[[0.1],[0.2],[0.3]]""", "not valid JSON")]
    [InlineData("""{"id":"x"}""", "no \"embeddings\"")]
    public async Task GenerateAsync_BadResponse_ThrowsInvalidDataSayingWhatWasWrong(string body, string expected)
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.EnqueueStatus(200, body);
        using var generator = Create(server);

        // Malformed responses surface as the provider exception, the parser error inside.
        var ex = Assert.IsType<InvalidDataException>((await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a", "b", "c"]))).InnerException);

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateInt8Async_ValueOutOfRange_Throws()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.EnqueueStatus(200, """{"id":"x","embeddings":{"int8":[[1,200]]}}""");
        using var generator = Create(server);

        // Malformed responses surface as the provider exception, the parser error inside.
        var ex = Assert.IsType<InvalidDataException>((await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateInt8Async(["a"]))).InnerException);

        Assert.Contains("int8[0][1]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_CancelledMidBatch_SendsNoMoreRequests()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        var secondArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Handler = async (context, request) =>
        {
            if (server.Requests.Count >= 2)
            {
                secondArrived.TrySetResult();
                await release.Task;
            }

            await LoopbackEmbeddingServer.CohereResponseAsync(context, request);
        };
        using var generator = Create(server, o =>
        {
            o.MaxBatchSize = 2;
            o.MaxConcurrency = 1;
        });
        using var cts = new CancellationTokenSource();

        var generation = generator.GenerateAsync(["a", "b", "c", "d", "e", "f"], cancellationToken: cts.Token);
        await secondArrived.Task;
        await cts.CancelAsync();
        try
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generation);
        }
        finally
        {
            release.SetResult();
        }

        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task GenerateAsync_Unauthorized_KeyNeverInExceptionOrLogs()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.EnqueueStatus(429, "slow down", headers: new Dictionary<string, string> { ["Retry-After"] = "0" });
        server.EnqueueStatus(401, "{\"message\":\"invalid api token " + Key + "\"}");
        var logger = new ListLogger();
        using var generator = Create(server, logger: logger);

        var ex = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["private words"]));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal("invalid api token [redacted]", ex.ProviderMessage);
        Assert.DoesNotContain(Key, ex.ToString(), StringComparison.Ordinal);
        Assert.NotEmpty(logger.Lines);
        Assert.All(logger.Lines, line => Assert.DoesNotContain(Key, line, StringComparison.Ordinal));
        Assert.All(logger.Lines, line => Assert.DoesNotContain("private words", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetService_ReturnsCohereMetadata()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        using var generator = Create(server, o => o.Dimensions = 1024);

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("cohere", metadata.ProviderName);
        Assert.Equal(server.BaseAddress, metadata.ProviderUri);
        Assert.Equal("embed-v4.0", metadata.DefaultModelId);
        Assert.Equal(1024, metadata.DefaultModelDimensions);
    }

    [Theory]
    [InlineData(nameof(CohereEmbeddingOptions.Model))]
    [InlineData(nameof(CohereEmbeddingOptions.MaxBatchSize))]
    [InlineData(nameof(CohereEmbeddingOptions.Truncate))]
    [InlineData(nameof(CohereEmbeddingOptions.InputType))]
    [InlineData(nameof(CohereEmbeddingOptions.Endpoint))]
    [InlineData(nameof(CohereEmbeddingOptions.MaxRetryDelay))]
    public void Constructor_InvalidSetting_ThrowsNamingIt(string setting)
    {
        var options = new CohereEmbeddingOptions { ApiKey = "k", Model = "embed-v4.0" };
        switch (setting)
        {
            case "Model": options.Model = " "; break;
            case "MaxBatchSize": options.MaxBatchSize = 0; break;
            case "Truncate": options.Truncate = "MIDDLE"; break;
            case "InputType": options.InputType = "image-ish"; break;
            case "Endpoint": options.Endpoint = new Uri("ftp://example.com"); break;
            case "MaxRetryDelay": options.MaxRetryDelay = TimeSpan.FromMilliseconds(1); break;
        }

        Exception ex = setting == "Model"
            ? Assert.Throws<InvalidOperationException>(() => new CohereEmbeddingGenerator(options)) // missing
            : Assert.ThrowsAny<ArgumentException>(() => new CohereEmbeddingGenerator(options)); // out of range

        Assert.Contains("CohereEmbeddingOptions." + setting, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NoKeyAnywhere_ThrowsNamingApiKeyAndVariable()
    {
        if (Environment.GetEnvironmentVariable(CohereEmbeddingOptions.ApiKeyEnvironmentVariable) is not null)
        {
            return; // The machine has a real key; the fallback would (rightly) find it.
        }

        var ex = Assert.Throws<InvalidOperationException>(() => new CohereEmbeddingGenerator(new CohereEmbeddingOptions { Model = "embed-v4.0" }));

        Assert.Contains("CohereEmbeddingOptions.ApiKey", ex.Message, StringComparison.Ordinal);
        Assert.Contains("COHERE_API_KEY", ex.Message, StringComparison.Ordinal);
    }
}
