using System.Net;
using LlamaDb.Embedders.OpenAI.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using static LlamaDb.Embedders.OpenAI.Tests.Embeddings.OpenAIEmbeddingGeneratorTests;

namespace LlamaDb.Embedders.OpenAI.Tests.Embeddings;

public sealed class OpenAIEmbeddingGeneratorResilienceTests
{
    private static List<TimeSpan> RecordDelays(OpenAIEmbeddingGenerator generator)
    {
        var delays = new List<TimeSpan>();
        generator.DelayAsync = (delay, _) =>
        {
            lock (delays)
            {
                delays.Add(delay);
            }

            return Task.CompletedTask;
        };
        return delays;
    }

    [Fact]
    public async Task GenerateAsync_429WithRetryAfterSeconds_RetriesAfterThatDelay()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.EnqueueError(429, "Rate limit reached", "requests", "rate_limit_exceeded", ("Retry-After", "7"));
        using OpenAIEmbeddingGenerator generator = Create(server, o => o.MaxRetryDelay = TimeSpan.FromMinutes(1));
        List<TimeSpan> delays = RecordDelays(generator);

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(["a", "b"]);

        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(server.Requests[0].Body, server.Requests[1].Body);
        Assert.Equal([TimeSpan.FromSeconds(7)], delays);
        AssertVectorsInOrder(["a", "b"], result);
    }

    [Theory]
    [InlineData("3600")]
    [InlineData("1e12")]
    [InlineData("Infinity")]
    public async Task GenerateAsync_RetryAfterBeyondMaxRetryDelayOrUnreadable_FailsAtOnceOrBacksOff(string retryAfter)
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.EnqueueError(429, "Rate limit reached", "requests", "rate_limit_exceeded", ("Retry-After", retryAfter));
        using OpenAIEmbeddingGenerator generator = Create(server, o => o.MaxRetryDelay = TimeSpan.FromMinutes(1));
        List<TimeSpan> delays = RecordDelays(generator);

        if (retryAfter == "Infinity")
        {
            // Not a finite number: ignored, so the computed backoff (at most MaxRetryDelay) applies.
            await generator.GenerateAsync(["a"]);
            Assert.True(Assert.Single(delays) <= TimeSpan.FromSeconds(60));
            return;
        }

        var e = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a"]));

        Assert.Equal(HttpStatusCode.TooManyRequests, e.StatusCode);
        Assert.Contains("MaxRetryDelay", e.Message, StringComparison.Ordinal);
        Assert.Empty(delays);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task GenerateAsync_429WithRetryAfterMs_PrefersMilliseconds()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.EnqueueError(429, "Rate limit reached", "requests", "rate_limit_exceeded", ("retry-after-ms", "1500"), ("Retry-After", "2"));
        using OpenAIEmbeddingGenerator generator = Create(server, o => o.MaxRetryDelay = TimeSpan.FromMinutes(1));
        List<TimeSpan> delays = RecordDelays(generator);

        await generator.GenerateAsync(["a"]);

        Assert.Equal([TimeSpan.FromMilliseconds(1500)], delays);
    }

    [Fact]
    public async Task GenerateAsync_429WithRealDelay_Succeeds()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.EnqueueError(429, "Rate limit reached", "requests", "rate_limit_exceeded", ("retry-after-ms", "1"));
        using OpenAIEmbeddingGenerator generator = Create(server);

        AssertVectorsInOrder(["a"], await generator.GenerateAsync(["a"]));
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task GenerateAsync_429InsufficientQuota_FailsAtOnce()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.EnqueueError(429, "You exceeded your current quota", "insufficient_quota", "insufficient_quota");
        using OpenAIEmbeddingGenerator generator = Create(server);

        var e = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a"]));

        Assert.Single(server.Requests);
        Assert.Equal(HttpStatusCode.TooManyRequests, e.StatusCode);
    }

    [Fact]
    public async Task GenerateAsync_503EveryTime_RetriesWithBackoffThenSurfacesStatus()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.DefaultResponder = async (context, _) =>
        {
            context.Response.StatusCode = 503;
            await context.Response.WriteAsync("""{"error":{"message":"The engine is currently overloaded","type":"server_error","code":null}}""");
        };
        using OpenAIEmbeddingGenerator generator = Create(server, o =>
        {
            o.MaxRetries = 3;
            o.RetryDelay = TimeSpan.FromSeconds(1);
            o.MaxRetryDelay = TimeSpan.FromSeconds(3);
        });
        List<TimeSpan> delays = RecordDelays(generator);

        var e = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a"]));

        Assert.Equal(4, server.Requests.Count);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);
        Assert.Contains("The engine is currently overloaded", e.Message, StringComparison.Ordinal);

        // Exponential with jitter in the upper half, capped: [0.5s,1s], [1s,2s], [1.5s,3s].
        Assert.Equal(3, delays.Count);
        Assert.InRange(delays[0], TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1));
        Assert.InRange(delays[1], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        Assert.InRange(delays[2], TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(3));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(408)]
    public async Task GenerateAsync_TransientStatusThenSuccess_Retried(int status)
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.EnqueueError(status, "transient", "server_error");
        server.EnqueueError(status, "transient", "server_error");
        using OpenAIEmbeddingGenerator generator = Create(server);

        AssertVectorsInOrder(["x", "y"], await generator.GenerateAsync(["x", "y"]));

        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task GenerateAsync_DroppedConnection_RetriedAsTransportError()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.EnqueueAbort();
        using OpenAIEmbeddingGenerator generator = Create(server);

        AssertVectorsInOrder(["x"], await generator.GenerateAsync(["x"]));

        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task GenerateAsync_DroppedConnectionEveryTime_SurfacesWithoutStatus()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.DefaultResponder = (context, _) =>
        {
            context.Abort();
            return Task.CompletedTask;
        };
        using OpenAIEmbeddingGenerator generator = Create(server, o => o.MaxRetries = 1);

        var e = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["x"]));

        Assert.Equal(2, server.Requests.Count);
        Assert.Null(e.StatusCode);
        Assert.Contains("transport error", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_413_SplitsInHalvesAndKeepsOrder()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.EnqueueError(413, "Request entity too large");
        using OpenAIEmbeddingGenerator generator = Create(server, o => o.MaxRetries = 0);
        string[] inputs = Texts(5);

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(inputs);

        Assert.Equal([5, 2, 3], server.Requests.Select(r => r.Input.Count));
        Assert.Equal(inputs[0..2], server.Requests[1].Input);
        Assert.Equal(inputs[2..5], server.Requests[2].Input);
        AssertVectorsInOrder(inputs, result);
        Assert.Equal(inputs.Sum(i => i.Length), result.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task GenerateAsync_400TooManyTokensPerRequest_SplitsNotRetriedUnchanged()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.EnqueueError(400, "Requested 320000 tokens, max 300000 tokens per request", "max_tokens_per_request");
        server.EnqueueError(400, "Requested 160000 tokens, max 300000 tokens per request", "max_tokens_per_request");
        using OpenAIEmbeddingGenerator generator = Create(server);
        string[] inputs = Texts(4);

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(inputs);

        Assert.Equal([4, 2, 1, 1, 2], server.Requests.Select(r => r.Input.Count));
        Assert.Equal(5, server.Requests.Select(r => r.Body).Distinct().Count());
        AssertVectorsInOrder(inputs, result);
    }

    [Fact]
    public async Task GenerateAsync_SingleInputOverContextLength_FailsNamingIndex()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        const string TooLong = "This model's maximum context length is 8192 tokens, however you requested 9000 tokens. Please reduce your prompt.";
        server.DefaultResponder = async (context, request) =>
        {
            if (request.Input.Contains("long"))
            {
                context.Response.StatusCode = 400;
                await context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(new { error = new { message = TooLong, type = "invalid_request_error" } }));
                return;
            }

            await server.WriteEmbeddingsAsync(context, request);
        };
        using OpenAIEmbeddingGenerator generator = Create(server);

        var e = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a", "b", "long", "c"]));

        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Contains("input 2 alone", e.Message, StringComparison.Ordinal);
        Assert.Contains("maximum context length", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Requests, r => r.Input.Count == 1 && r.Input[0] == "long" && server.Requests.Count(q => q.Body == r.Body) > 1);
    }

    [Fact]
    public async Task GenerateAsync_SingleInputOverContextLengthWithTruncate_HalvesIt()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.EnqueueError(400, "This model's maximum context length is 8192 tokens", code: "context_length_exceeded");
        using OpenAIEmbeddingGenerator generator = Create(server, o => o.OversizedInput = OversizedInputBehavior.Truncate);

        await generator.GenerateAsync(["abcdefgh"]);

        Assert.Equal(["abcdefgh"], server.Requests[0].Input);
        Assert.Equal(["abcd"], server.Requests[1].Input);
    }

    [Fact]
    public async Task GenerateAsync_NoResponseWithinTimeout_ThrowsTimeoutWithoutStatus()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.EnqueueHold();
        using OpenAIEmbeddingGenerator generator = Create(server, o =>
        {
            o.Timeout = TimeSpan.FromMilliseconds(200);
            o.MaxRetries = 0;
        });

        var e = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a"]));

        Assert.Null(e.StatusCode);
        Assert.IsType<TimeoutException>(e.InnerException);
        Assert.Contains("timeout", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task GenerateAsync_TimeoutThenSuccess_Retried()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.EnqueueHold();
        using OpenAIEmbeddingGenerator generator = Create(server, o =>
        {
            // Long enough that the retried (answered) request never hits it on a loaded machine.
            o.Timeout = TimeSpan.FromSeconds(1);
            o.MaxRetries = 1;
        });

        AssertVectorsInOrder(["a"], await generator.GenerateAsync(["a"]));

        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task GenerateAsync_InfiniteTimeout_Works()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        using OpenAIEmbeddingGenerator generator = Create(server, o => o.Timeout = Timeout.InfiniteTimeSpan);

        AssertVectorsInOrder(["a"], await generator.GenerateAsync(["a"]));
    }

    [Fact]
    public async Task GenerateAsync_CancelledMidBatch_ThrowsAndSendsNoMore()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.Enqueue(server.WriteEmbeddingsAsync);
        server.EnqueueHold();
        using OpenAIEmbeddingGenerator generator = Create(server, o =>
        {
            o.MaxBatchSize = 1;
            o.MaxConcurrency = 1;
        });
        using var cts = new CancellationTokenSource();

        Task call = generator.GenerateAsync(["a", "b", "c", "d"], cancellationToken: cts.Token);
        await server.WaitForRequestsAsync(2);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task GenerateAsync_CancelledDuringRetryDelay_Throws()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.EnqueueError(429, "slow down", headers: ("Retry-After", "45")); // within MaxRetryDelay (1 min), so it waits
        using OpenAIEmbeddingGenerator generator = Create(server, o => o.MaxRetryDelay = TimeSpan.FromMinutes(1));
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        generator.DelayAsync = async (delay, token) =>
        {
            waiting.TrySetResult();
            await Task.Delay(delay, token);
        };
        using var cts = new CancellationTokenSource();

        Task call = generator.GenerateAsync(["a"], cancellationToken: cts.Token);
        await waiting.Task;
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task GenerateAsync_OneBatchFails_OthersCancelledAndFailureSurfaced()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.EnqueueHold();
        server.EnqueueError(400, "bad input", code: "invalid_value");
        using OpenAIEmbeddingGenerator generator = Create(server, o =>
        {
            o.MaxBatchSize = 1;
            o.MaxConcurrency = 2;
        });

        var e = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a", "b", "c"]));

        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task GenerateAsync_401EchoingTheKey_KeyAbsentFromExceptionAndLogs()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.EnqueueError(503, $"upstream said: bad key {Key}", "server_error");
        server.EnqueueError(401, $"Incorrect API key provided: {Key}. You can find your API key at https://platform.openai.com/account/api-keys.", code: "invalid_api_key");
        using var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        using OpenAIEmbeddingGenerator generator = Create(server, logger: factory.CreateLogger<OpenAIEmbeddingGenerator>());

        var e = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a"]));

        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.Contains("Incorrect API key provided", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETKEY", e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETKEY", e.ProviderMessage ?? "", StringComparison.Ordinal);
        Assert.NotEmpty(logs.Lines);
        Assert.Contains(logs.Lines, l => l.Contains("retry 1 of 3", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("SECRETKEY", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GenerateAsync_TransportFailure_KeyAbsentFromException()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        Uri endpoint = server.OpenAIEndpoint;
        await server.DisposeAsync();
        using var generator = new OpenAIEmbeddingGenerator(new OpenAIEmbeddingOptions
        {
            ApiKey = Key,
            Endpoint = endpoint,
            MaxRetries = 1,
            RetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(2),
        });

        var e = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["a"]));

        Assert.Null(e.StatusCode);
        Assert.DoesNotContain("SECRETKEY", e.ToString(), StringComparison.Ordinal);
    }
}
