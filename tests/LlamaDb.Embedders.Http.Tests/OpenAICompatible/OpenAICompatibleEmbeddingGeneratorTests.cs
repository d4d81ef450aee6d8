using LlamaDb.Embedders;
using System.Net;
using System.Text.Json.Nodes;
using LlamaDb.Embedders.Http.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Polly.Timeout;

namespace LlamaDb.Embedders.Http.Tests.OpenAICompatible;

public sealed class OpenAICompatibleEmbeddingGeneratorTests
{
    private const string Key = "sk-test-SECRET-0123456789";

    internal static OpenAICompatibleEmbeddingGenerator Create(
        LoopbackEmbeddingServer server, Action<OpenAICompatibleEmbeddingOptions>? configure = null, TimeProvider? time = null, ILogger? logger = null)
    {
        var options = new OpenAICompatibleEmbeddingOptions
        {
            Endpoint = server.BaseAddress,
            Model = "nomic-embed-text",
            ApiKey = Key,
            Timeout = TimeSpan.FromHours(1),
            MaxRetryDelay = TimeSpan.FromMinutes(5),
        };
        configure?.Invoke(options);
        return new OpenAICompatibleEmbeddingGenerator(options, null, logger, time ?? new InstantTimeProvider());
    }

    private static void AssertVectors(IReadOnlyList<string> texts, GeneratedEmbeddings<Embedding<float>> result, int dimensions = 4)
    {
        Assert.Equal(texts.Count, result.Count);
        for (int i = 0; i < texts.Count; i++)
        {
            Assert.Equal(LoopbackEmbeddingServer.ExpectedVector(texts[i], dimensions), result[i].Vector.ToArray());
        }
    }

    [Fact]
    public async Task GenerateAsync_Batch_SendsExactRequestAndReturnsVectorsInInputOrder()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        using var generator = Create(server, o => o.Dimensions = 6);
        string[] texts = ["alpha", "beta gamma", "δέλτα"];

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(texts);

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/embeddings", request.Path);
        Assert.Equal("Bearer " + Key, request.Authorization);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        var expected = JsonNode.Parse("""{"model":"nomic-embed-text","input":["alpha","beta gamma","δέλτα"],"encoding_format":"float","dimensions":6}""");
        Assert.True(JsonNode.DeepEquals(expected, request.Json), request.Body);
        AssertVectors(texts, result, 6);
        Assert.Equal("nomic-embed-text", result[0].ModelId);
        Assert.Equal(texts.Sum(t => t.Length), result.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task GenerateAsync_NoKeyNoModel_OmitsAuthorizationAndModel()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        using var generator = Create(server, o =>
        {
            o.ApiKey = null;
            o.Model = null;
        });

        await generator.GenerateAsync(["x"]);

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Null(request.Authorization);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"input":["x"],"encoding_format":"float"}"""), request.Json), request.Body);
    }

    [Fact]
    public async Task GenerateAsync_PerRequestOptions_OverrideModelAndDimensions()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        using var generator = Create(server);

        var result = await generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { ModelId = "bge-m3", Dimensions = 3 });

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"model":"bge-m3","input":["x"],"encoding_format":"float","dimensions":3}"""), server.Requests[0].Json));
        Assert.Equal(3, result[0].Dimensions);
        Assert.Equal("bge-m3", result[0].ModelId);
    }

    [Fact]
    public async Task GenerateAsync_Base64_DecodesLittleEndianFloatsExactly()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        float[] tricky = [float.Epsilon, -0.0f, 1e-38f, 3.4028235e38f, -1.17549435e-38f, 0.1f, -123.456f, 1f / 3f];
        server.Enqueue((context, request) => LoopbackEmbeddingServer.RespondAsync(context, 200, new JsonObject
        {
            ["data"] = new JsonArray(
                new JsonObject { ["index"] = 1, ["embedding"] = LoopbackEmbeddingServer.ToBase64([.. tricky.Reverse()]) },
                new JsonObject { ["index"] = 0, ["embedding"] = LoopbackEmbeddingServer.ToBase64(tricky) }),
            ["model"] = "m",
        }.ToJsonString()));
        using var generator = Create(server, o => o.EncodingFormat = EmbeddingEncodingFormat.Base64);

        var result = await generator.GenerateAsync(["a", "b"]);

        Assert.Equal("base64", server.Requests[0].Json["encoding_format"]!.GetValue<string>());
        Assert.Equal(tricky.Select(BitConverter.SingleToInt32Bits), result[0].Vector.ToArray().Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(tricky.Reverse().Select(BitConverter.SingleToInt32Bits), result[1].Vector.ToArray().Select(BitConverter.SingleToInt32Bits));
        Assert.Null(result.Usage);
    }

    [Fact]
    public async Task GenerateAsync_Base64FromDefaultServer_MatchesFloatAnswer()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        using var generator = Create(server, o => o.EncodingFormat = EmbeddingEncodingFormat.Base64);
        string[] texts = ["one", "two", "three"];

        AssertVectors(texts, await generator.GenerateAsync(texts));
    }

    [Fact]
    public async Task GenerateAsync_MoreThanMaxBatchSize_SplitsAndKeepsOrder()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        using var generator = Create(server, o =>
        {
            o.MaxBatchSize = 3;
            o.MaxConcurrency = 3;
        });
        string[] texts = [.. Enumerable.Range(0, 10).Select(i => $"text number {i}")];

        var result = await generator.GenerateAsync(texts);

        Assert.Equal([3, 3, 3, 1], server.Requests.Select(r => r.Inputs.Count).Order().Reverse());
        Assert.Equal(texts.Order(), server.Requests.SelectMany(r => r.Inputs).Order());
        AssertVectors(texts, result);
        Assert.Equal(texts.Sum(t => t.Length), result.Usage?.InputTokenCount);
        Assert.InRange(server.MaxInFlight, 1, 3);
    }

    [Fact]
    public async Task GenerateAsync_TokenBudget_SplitsByEstimatedTokensAndSendsLongInputAlone()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        using var generator = Create(server, o =>
        {
            o.MaxTokensPerRequest = 25;
            o.MaxTokensPerInput = 12;
            o.MaxConcurrency = 1;
        });

        // Estimates: 20 ASCII chars -> 11 tokens; 40 chars -> 21 tokens (above the per-input limit).
        string[] texts = [new('a', 20), new('b', 20), new('c', 20), new('d', 40), new('e', 20)];
        var result = await generator.GenerateAsync(texts);

        Assert.Equal(
            [[texts[0], texts[1]], [texts[2]], [texts[3]], [texts[4]]],
            server.Requests.Select(r => r.Inputs.ToArray()).ToArray());
        AssertVectors(texts, result);
    }

    [Fact]
    public async Task GenerateAsync_MaxConcurrency_BoundsRequestsInFlight()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        var bothArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.OnArrival = (n, _) =>
        {
            if (n == 2)
            {
                bothArrived.TrySetResult();
            }
        };
        server.Handler = async (context, request) =>
        {
            await release.Task;
            await LoopbackEmbeddingServer.OpenAIResponseAsync(context, request);
        };
        using var generator = Create(server, o =>
        {
            o.MaxBatchSize = 1;
            o.MaxConcurrency = 2;
        });
        string[] texts = [.. Enumerable.Range(0, 8).Select(i => $"t{i}")];

        Task<GeneratedEmbeddings<Embedding<float>>> generation = generator.GenerateAsync(texts);
        await bothArrived.Task;
        Assert.Equal(2, server.Requests.Count);
        release.SetResult();
        var result = await generation;

        Assert.Equal(8, server.Requests.Count);
        Assert.Equal(2, server.MaxInFlight);
        AssertVectors(texts, result);
    }

    [Fact]
    public async Task GenerateAsync_PrefixesByInputType()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        using var generator = Create(server, o =>
        {
            o.QueryPrefix = TextPrefixes.E5.Query;
            o.DocumentPrefix = TextPrefixes.E5.Document;
        });

        await generator.GenerateAsync(["doc"]);
        await generator.GenerateAsync(["q"], new EmbeddingGenerationOptions { AdditionalProperties = new() { ["input_type"] = "query" } });
        await generator.GenerateAsync(["q2"], EmbeddingInputTypes.ForQuery());

        Assert.Equal(["passage: doc"], server.Requests[0].Inputs);
        Assert.Equal(["query: q"], server.Requests[1].Inputs);
        Assert.Equal(["query: q2"], server.Requests[2].Inputs);
        await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { AdditionalProperties = new() { ["input_type"] = "sideways" } }));
    }

    [Fact]
    public async Task GenerateAsync_TextAlreadyPrefixed_PrefixNotDoubled()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        using var generator = Create(server, o => o.DocumentPrefix = "passage: ");

        await generator.GenerateAsync(["passage: already", "fresh"]);

        Assert.Equal(["passage: already", "passage: fresh"], server.Requests[0].Inputs);
    }

    [Fact]
    public async Task GenerateAsync_PrefixesOption_UsesTheModelsPrefixForEachInputType()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        using var generator = Create(server, o => o.Prefixes = TextPrefixes.Nomic);

        await generator.GenerateAsync(["d"]);
        await generator.GenerateAsync(["c"], EmbeddingInputTypes.With(EmbeddingInputTypes.Clustering));
        await generator.GenerateAsync(["search_query: q"], EmbeddingInputTypes.ForQuery());

        Assert.Equal(["search_document: d"], server.Requests[0].Inputs);
        Assert.Equal(["clustering: c"], server.Requests[1].Inputs);
        Assert.Equal(["search_query: q"], server.Requests[2].Inputs);
    }

    [Fact]
    public async Task GetService_Fingerprint_DiffersWhenPrefixesOrModelDiffer()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        using var plain = Create(server);
        using var e5 = Create(server, o => o.Prefixes = TextPrefixes.E5);
        using var other = Create(server, o => o.Model = "other-model");

        string? Fingerprint(IEmbeddingGenerator g) => g.GetService<EmbeddingCacheFingerprint>()?.Value;

        Assert.NotNull(Fingerprint(plain));
        Assert.NotEqual(Fingerprint(plain), Fingerprint(e5));
        Assert.NotEqual(Fingerprint(plain), Fingerprint(other));
    }

    [Fact]
    public async Task GenerateAsync_429WithRetryAfterSeconds_WaitsThatLongThenSucceeds()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.EnqueueStatus(429, """{"error":{"message":"Rate limit reached"}}""", headers: new Dictionary<string, string> { ["Retry-After"] = "7" });
        var time = new InstantTimeProvider();
        using var generator = Create(server, time: time);

        var result = await generator.GenerateAsync(["a"]);

        Assert.Equal(2, server.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(7)], time.Delays);
        AssertVectors(["a"], result);
    }

    [Fact]
    public async Task GenerateAsync_429WithRetryAfterMs_UsesMilliseconds()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.EnqueueStatus(429, null, headers: new Dictionary<string, string> { ["retry-after-ms"] = "1500", ["Retry-After"] = "2" });
        var time = new InstantTimeProvider();
        using var generator = Create(server, time: time);

        await generator.GenerateAsync(["a"]);

        Assert.Equal(2, server.Requests.Count);
        Assert.Equal([TimeSpan.FromMilliseconds(1500)], time.Delays);
    }

    [Fact]
    public async Task GenerateAsync_429WithRetryAfterHttpDate_WaitsUntilThatDate()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        string date = DateTimeOffset.UtcNow.AddSeconds(120).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        server.EnqueueStatus(429, null, headers: new Dictionary<string, string> { ["Retry-After"] = date });
        var time = new InstantTimeProvider();
        using var generator = Create(server, time: time);

        await generator.GenerateAsync(["a"]);

        Assert.Equal(2, server.Requests.Count);
        TimeSpan delay = Assert.Single(time.Delays);
        Assert.InRange(delay, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(121));
    }

    [Fact]
    public async Task GenerateAsync_RetryAfterLongerThanMaxRetryDelay_SurfacesThe429WithoutRetrying()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.EnqueueStatus(429, """{"error":{"message":"quota exhausted"}}""", headers: new Dictionary<string, string> { ["Retry-After"] = "3600" });
        using var generator = Create(server);

        var ex = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a"]));

        Assert.Single(server.Requests);
        Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.Equal("quota exhausted", ex.ProviderMessage);
    }

    [Fact]
    public async Task GenerateAsync_503ThenSuccess_RetriesWithExponentialBackoff()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.EnqueueStatus(503, "upstream busy", count: 2);
        var time = new InstantTimeProvider();
        using var generator = Create(server, o => o.RetryDelay = TimeSpan.FromSeconds(2), time: time);

        var result = await generator.GenerateAsync(["a"]);

        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(2, time.Delays.Count);
        Assert.All(time.Delays, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromMinutes(5)));
        AssertVectors(["a"], result);
    }

    [Fact]
    public async Task GenerateAsync_5xxEveryTime_RetriesMaxRetriesThenSurfacesStatusAndMessage()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.Handler = (context, _) => LoopbackEmbeddingServer.RespondAsync(context, 502, """{"message":"bad gateway upstream"}""");
        using var generator = Create(server, o => o.MaxRetries = 2);

        var ex = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a"]));

        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(HttpStatusCode.BadGateway, ex.StatusCode);
        Assert.Equal("bad gateway upstream", ex.ProviderMessage);
        Assert.Equal(OpenAICompatibleEmbeddingGenerator.ProviderName, ex.Provider);
        Assert.Contains("bad gateway upstream", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"error":{"message":"model 'nope' not found","type":"invalid_request_error"}}""", "model 'nope' not found")]
    [InlineData("""{"message":"model 'nope' not found"}""", "model 'nope' not found")]
    [InlineData("""{"error":"model 'nope' not found","error_type":"Validation"}""", "model 'nope' not found")]
    [InlineData("model 'nope' not found\n", "model 'nope' not found")]
    public async Task GenerateAsync_400_FailsAtOnceWithProviderMessage(string body, string message)
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.Handler = (context, _) => LoopbackEmbeddingServer.RespondAsync(context, 400, body);
        using var generator = Create(server, o => o.MaxBatchSize = 2);

        var ex = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a", "b", "c", "d"]));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal(message, ex.ProviderMessage);
        Assert.InRange(server.Requests.Count, 1, 2);
        Assert.All(server.Requests, r => Assert.Equal(2, r.Inputs.Count));
    }

    [Fact]
    public async Task GenerateAsync_413_SplitsInHalvesUntilAccepted()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.Handler = (context, request) => request.Inputs.Count > 2
            ? LoopbackEmbeddingServer.RespondAsync(context, 413, "Payload Too Large")
            : LoopbackEmbeddingServer.OpenAIResponseAsync(context, request);
        using var generator = Create(server);
        string[] texts = ["a", "b", "c", "d", "e"];

        var result = await generator.GenerateAsync(texts);

        Assert.Equal([5, 2, 3, 1, 2], server.Requests.Select(r => r.Inputs.Count));
        AssertVectors(texts, result);
    }

    [Fact]
    public async Task GenerateAsync_TooManyTokensError_SplitsInsteadOfRetrying()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.Handler = (context, request) => request.Inputs.Count > 1
            ? LoopbackEmbeddingServer.RespondAsync(context, 400, """{"object":"error","message":"This model's maximum context length is 512 tokens. However, you requested 900 tokens in the input.","type":"BadRequestError"}""")
            : LoopbackEmbeddingServer.OpenAIResponseAsync(context, request);
        using var generator = Create(server);

        var result = await generator.GenerateAsync(["x", "y"]);

        Assert.Equal([2, 1, 1], server.Requests.Select(r => r.Inputs.Count));
        AssertVectors(["x", "y"], result);
    }

    [Fact]
    public async Task GenerateAsync_SingleInputTooLarge_SurfacesTheProviderError()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.Handler = (context, _) => LoopbackEmbeddingServer.RespondAsync(context, 413, """{"error":{"message":"input too large"}}""");
        using var generator = Create(server);

        var ex = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["huge", "huger"]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, ex.StatusCode);
        Assert.Equal("input too large", ex.ProviderMessage);
        Assert.Equal([2, 1], server.Requests.Select(r => r.Inputs.Count));
    }

    [Fact]
    public async Task GenerateAsync_MalformedJson_ThrowsInvalidDataException()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.EnqueueStatus(200, """{"data":[{"index":0,"embedding":[0.1,""");
        using var generator = Create(server);

        // Malformed responses surface as the provider exception, the parser error inside.
        var ex = Assert.IsType<InvalidDataException>((await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a"]))).InnerException);

        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task GenerateAsync_WrongVectorCount_ThrowsInvalidDataExceptionSayingSo()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.EnqueueStatus(200, """{"data":[{"index":0,"embedding":[0.1,0.2]},{"index":1,"embedding":[0.3,0.4]}]}""");
        using var generator = Create(server);

        // Malformed responses surface as the provider exception, the parser error inside.
        var ex = Assert.IsType<InvalidDataException>((await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a", "b", "c"]))).InnerException);

        Assert.Contains("2 embeddings for 3 inputs", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_DimensionsIgnoredByServer_ThrowsInsteadOfReturningWrongSize()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.EnqueueStatus(200, """{"data":[{"index":0,"embedding":[0.1,0.2,0.3]}]}""");
        using var generator = Create(server, o => o.Dimensions = 2);

        // Malformed responses surface as the provider exception, the parser error inside.
        var ex = Assert.IsType<InvalidDataException>((await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a"]))).InnerException);

        Assert.Contains("2 dimensions were requested", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_ConnectionDropped_RetriesTransportError()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.Enqueue((context, _) =>
        {
            context.Abort();
            return Task.CompletedTask;
        });
        using var generator = Create(server);

        var result = await generator.GenerateAsync(["a"]);

        Assert.Equal(2, server.Requests.Count);
        AssertVectors(["a"], result);
    }

    [Fact]
    public async Task GenerateAsync_NothingListening_RetriesThenSurfacesTransportError()
    {
        // Bind a port, then free it: nothing listens there any more, so connecting is refused.
        int port;
        await using (var closed = await LoopbackEmbeddingServer.StartAsync())
        {
            port = closed.BaseAddress.Port;
        }

        var time = new InstantTimeProvider();
        using var generator = new OpenAICompatibleEmbeddingGenerator(
            new OpenAICompatibleEmbeddingOptions { Endpoint = new Uri($"http://127.0.0.1:{port}"), MaxRetries = 2, Timeout = TimeSpan.FromHours(1) },
            null, null, time);

        var ex = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a"]));

        Assert.Null(ex.StatusCode);
        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.Equal(2, time.Delays.Count);
    }

    [Fact]
    public async Task GenerateAsync_408ThenSuccess_Retries()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.EnqueueStatus(408, "request timeout");
        using var generator = Create(server);

        var result = await generator.GenerateAsync(["a"]);

        Assert.Equal(2, server.Requests.Count);
        AssertVectors(["a"], result);
    }

    [Fact]
    public async Task Dispose_CallerHttpClient_IsLeftUsable()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        using var httpClient = new HttpClient();
        var generator = new OpenAICompatibleEmbeddingGenerator(new OpenAICompatibleEmbeddingOptions { Endpoint = server.BaseAddress }, httpClient);
        await generator.GenerateAsync(["a"]);
        Assert.Same(httpClient, generator.GetService<HttpClient>());

        generator.Dispose();

        using var content = new StringContent("{\"input\":[\"b\"]}");
        using HttpResponseMessage response = await httpClient.PostAsync(new Uri(server.BaseAddress, "v1/embeddings"), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task GenerateAsync_ServerSlowerThanTimeout_ThrowsTimeoutProviderException()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Handler = async (context, request) =>
        {
            await release.Task;
            await LoopbackEmbeddingServer.OpenAIResponseAsync(context, request);
        };
        using var generator = Create(server, o =>
        {
            o.Timeout = TimeSpan.FromMilliseconds(200);
            o.MaxRetries = 0;
        }, TimeProvider.System);

        try
        {
            var ex = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a"]));
            Assert.Null(ex.StatusCode);
            Assert.IsType<TimeoutRejectedException>(Assert.IsType<TimeoutException>(ex.InnerException).InnerException);
            Assert.Contains("timed out", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            release.SetResult();
        }
    }

    [Fact]
    public async Task GenerateAsync_CancelledMidBatch_StopsAndThrowsOperationCanceled()
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

            await LoopbackEmbeddingServer.OpenAIResponseAsync(context, request);
        };
        using var generator = Create(server, o =>
        {
            o.MaxBatchSize = 1;
            o.MaxConcurrency = 1;
        });
        using var cts = new CancellationTokenSource();

        Task<GeneratedEmbeddings<Embedding<float>>> generation = generator.GenerateAsync(["a", "b", "c", "d"], cancellationToken: cts.Token);
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
    public async Task GenerateAsync_KeyEchoedByProvider_NeverInExceptionOrLogs()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.EnqueueStatus(503, "busy");
        server.EnqueueStatus(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + Key + ".\"}}");
        var logger = new ListLogger();
        using var generator = Create(server, logger: logger);

        var ex = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["secret text"]));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal("Bearer " + Key, server.Requests[0].Authorization);
        Assert.DoesNotContain(Key, ex.ToString(), StringComparison.Ordinal);
        Assert.Contains("[redacted]", ex.Message, StringComparison.Ordinal);
        Assert.NotEmpty(logger.Lines);
        Assert.All(logger.Lines, line => Assert.DoesNotContain(Key, line, StringComparison.Ordinal));
        Assert.All(logger.Lines, line => Assert.DoesNotContain("secret text", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GenerateAsync_EmptyInput_SendsNothing()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        using var generator = Create(server);

        var result = await generator.GenerateAsync([]);

        Assert.Empty(result);
        Assert.Empty(server.Requests);
        await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["a", null!]));
    }

    [Theory]
    [InlineData("", "/v1/embeddings")]
    [InlineData("/v1", "/v1/embeddings")]
    [InlineData("/v1/", "/v1/embeddings")]
    [InlineData("/api", "/api/v1/embeddings")]
    [InlineData("/v1/embeddings", "/v1/embeddings")]
    public async Task Endpoint_WithOrWithoutVersion_PostsToEmbeddings(string basePath, string expectedPath)
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        server.Handler = LoopbackEmbeddingServer.OpenAIResponseAsync;
        using var generator = Create(server, o => o.Endpoint = new Uri(server.BaseAddress, basePath));

        await generator.GenerateAsync(["a"]);

        Assert.Equal(expectedPath, server.Requests[0].Path);
    }

    [Fact]
    public async Task GetService_ReturnsMetadataAndSelf()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        using var generator = Create(server, o => o.Dimensions = 256);

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("openai-compatible", metadata.ProviderName);
        Assert.Equal(server.BaseAddress, metadata.ProviderUri);
        Assert.Equal("nomic-embed-text", metadata.DefaultModelId);
        Assert.Equal(256, metadata.DefaultModelDimensions);
        Assert.Same(generator, generator.GetService<OpenAICompatibleEmbeddingGenerator>());
        Assert.Null(generator.GetService<EmbeddingGeneratorMetadata>("key"));
    }

    [Theory]
    [InlineData(nameof(OpenAICompatibleEmbeddingOptions.Endpoint))]
    [InlineData(nameof(OpenAICompatibleEmbeddingOptions.MaxBatchSize))]
    [InlineData(nameof(OpenAICompatibleEmbeddingOptions.MaxConcurrency))]
    [InlineData(nameof(OpenAICompatibleEmbeddingOptions.Dimensions))]
    [InlineData(nameof(OpenAICompatibleEmbeddingOptions.MaxRetries))]
    [InlineData(nameof(OpenAICompatibleEmbeddingOptions.Timeout))]
    [InlineData(nameof(OpenAICompatibleEmbeddingOptions.InputType))]
    public void Constructor_InvalidSetting_ThrowsNamingIt(string setting)
    {
        var options = new OpenAICompatibleEmbeddingOptions { Endpoint = new Uri("http://127.0.0.1:1") };
        switch (setting)
        {
            case "Endpoint": options.Endpoint = null; break;
            case "MaxBatchSize": options.MaxBatchSize = 0; break;
            case "MaxConcurrency": options.MaxConcurrency = -1; break;
            case "Dimensions": options.Dimensions = 0; break;
            case "MaxRetries": options.MaxRetries = -1; break;
            case "Timeout": options.Timeout = TimeSpan.Zero; break;
            case "InputType": options.InputType = "sideways"; break;
        }

        Exception ex = setting == "Endpoint"
            ? Assert.Throws<InvalidOperationException>(() => new OpenAICompatibleEmbeddingGenerator(options)) // missing
            : Assert.ThrowsAny<ArgumentException>(() => new OpenAICompatibleEmbeddingGenerator(options)); // out of range

        Assert.Contains("OpenAICompatibleEmbeddingOptions." + setting, ex.Message, StringComparison.Ordinal);
    }
}
