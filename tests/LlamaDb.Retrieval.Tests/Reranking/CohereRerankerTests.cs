using System.Net;
using System.Net.Http.Headers;

namespace LlamaDb.Retrieval.Tests.Reranking;

public sealed class CohereRerankerTests
{
    private static CohereRerankerOptions Options(RerankTestServer server) => new()
    {
        Endpoint = server.BaseAddress,
        ApiKey = "test-key",
        Model = "rerank-test",
        RetryDelay = TimeSpan.Zero,
    };

    [Fact]
    public async Task ScoreAsync_SendsCohereRequestAndMapsScoresByIndex()
    {
        await using RerankTestServer server = await RerankTestServer.StartAsync();
        using var reranker = new CohereReranker(Options(server));

        IReadOnlyList<double> scores = await reranker.ScoreAsync("berlin population", ["Paris is big.", "Berlin population grows.", "Berlin wall."]);

        // The server returns results best first; the scores come back in the documents' order.
        Assert.Equal([0.0, 0.2, 0.1], scores);
        RerankTestServer.RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("/v2/rerank", request.Path);
        Assert.Equal("Bearer test-key", request.Authorization);
        Assert.Equal("rerank-test", request.Model);
        Assert.Equal("berlin population", request.Query);
        Assert.Equal(["Paris is big.", "Berlin population grows.", "Berlin wall."], request.Documents);
        Assert.Equal(3, request.TopN);
        Assert.Null(request.MaxTokensPerDocument);
    }

    [Fact]
    public async Task ScoreAsync_EndpointWithPathAndNoKey_PostsUnderThePathWithoutAuthorization()
    {
        await using RerankTestServer server = await RerankTestServer.StartAsync("/proxy/cohere");
        CohereRerankerOptions options = Options(server);
        options.ApiKey = string.Empty;
        options.MaxTokensPerDocument = 256;
        using var reranker = new CohereReranker(options);

        await reranker.ScoreAsync("q", ["d"]);

        RerankTestServer.RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("/proxy/cohere/v2/rerank", request.Path);
        Assert.Equal(string.Empty, request.Authorization);
        Assert.Equal(256, request.MaxTokensPerDocument);
        Assert.Equal(new Uri(server.BaseAddress + "/v2/rerank"), reranker.RequestUri);
    }

    [Fact]
    public async Task ScoreAsync_MoreDocumentsThanPerRequestLimit_SplitsAndKeepsOrder()
    {
        await using RerankTestServer server = await RerankTestServer.StartAsync();
        CohereRerankerOptions options = Options(server);
        options.MaxDocumentsPerRequest = 2;
        using var reranker = new CohereReranker(options);

        IReadOnlyList<double> scores = await reranker.ScoreAsync("apple", ["apple", "pear", "apple pie", "plum", "apple"]);

        Assert.Equal([0.1, 0.0, 0.1, 0.0, 0.1], scores);
        Assert.Equal([2, 2, 1], server.Requests.Select(r => r.Documents.Length));
        Assert.Equal([2, 2, 1], server.Requests.Select(r => r.TopN));
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    [InlineData(408)]
    public async Task ScoreAsync_TransientStatusThenSuccess_Retries(int status)
    {
        await using RerankTestServer server = await RerankTestServer.StartAsync();
        server.Enqueue(status, """{"message":"slow down"}""", retryAfter: "0");
        using var reranker = new CohereReranker(Options(server));

        IReadOnlyList<double> scores = await reranker.ScoreAsync("apple", ["apple"]);

        Assert.Equal([0.1], scores);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task ScoreAsync_RetriesExhausted_ThrowsWithStatusAndMessage()
    {
        await using RerankTestServer server = await RerankTestServer.StartAsync();
        for (int i = 0; i < 3; i++)
        {
            server.Enqueue(500, """{"message":"internal trouble"}""");
        }

        CohereRerankerOptions options = Options(server);
        options.MaxRetries = 2;
        using var reranker = new CohereReranker(options);

        var ex = await Assert.ThrowsAsync<RerankerException>(() => reranker.ScoreAsync("q", ["d"]));

        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Contains("internal trouble", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task ScoreAsync_ClientError_ThrowsAtOnceWithoutLeakingTheKey()
    {
        await using RerankTestServer server = await RerankTestServer.StartAsync();
        server.Enqueue(401, """{"error":{"message":"invalid api token test-key"}}""");
        using var reranker = new CohereReranker(Options(server));

        var ex = await Assert.ThrowsAsync<RerankerException>(() => reranker.ScoreAsync("q", ["d"]));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Contains("invalid api token ***", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("test-key", ex.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData("""{"results":[{"index":0,"relevance_score":0.5}]}""")]
    [InlineData("""{"results":[{"index":0,"relevance_score":0.5},{"index":0,"relevance_score":0.4}]}""")]
    [InlineData("""{"results":[{"index":5,"relevance_score":0.5},{"index":1,"relevance_score":0.4}]}""")]
    [InlineData("""{"data":[]}""")]
    [InlineData("""not json""")]
    public async Task ScoreAsync_MalformedResponse_Throws(string body)
    {
        await using RerankTestServer server = await RerankTestServer.StartAsync();
        server.Enqueue(200, body);
        using var reranker = new CohereReranker(Options(server));

        var ex = await Assert.ThrowsAsync<RerankerException>(() => reranker.ScoreAsync("q", ["a", "b"]));

        Assert.Equal(HttpStatusCode.OK, ex.StatusCode);
    }

    [Fact]
    public async Task ScoreAsync_ServerDown_ThrowsWithoutStatusAfterRetries()
    {
        Uri address;
        await using (RerankTestServer server = await RerankTestServer.StartAsync())
        {
            address = server.BaseAddress;
        }

        using var reranker = new CohereReranker(new CohereRerankerOptions { Endpoint = address, ApiKey = "k", MaxRetries = 1, RetryDelay = TimeSpan.Zero });

        var ex = await Assert.ThrowsAsync<RerankerException>(() => reranker.ScoreAsync("q", ["d"]));

        Assert.Null(ex.StatusCode);
        Assert.IsType<HttpRequestException>(ex.InnerException);
    }

    [Fact]
    public async Task ScoreAsync_NoDocuments_SendsNothing()
    {
        await using RerankTestServer server = await RerankTestServer.StartAsync();
        using var reranker = new CohereReranker(Options(server));

        IReadOnlyList<double> scores = await reranker.ScoreAsync("q", []);

        Assert.Empty(scores);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void RetryDelay_RetryAfterSecondsDateAndBackoff_CappedAtMaximum()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var options = new CohereRerankerOptions { RetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(30) };
        using var seconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        seconds.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
        using var date = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        date.Headers.RetryAfter = new RetryConditionHeaderValue(clock.GetUtcNow().AddSeconds(12));
        using var tooLong = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        tooLong.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromMinutes(5));
        using var none = new HttpResponseMessage(HttpStatusCode.InternalServerError);

        Assert.Equal(TimeSpan.FromSeconds(7), CohereReranker.RetryDelay(seconds, 0, options, clock));
        Assert.Equal(TimeSpan.FromSeconds(12), CohereReranker.RetryDelay(date, 0, options, clock));
        Assert.Equal(TimeSpan.FromSeconds(30), CohereReranker.RetryDelay(tooLong, 0, options, clock));
        Assert.Equal(TimeSpan.FromSeconds(1), CohereReranker.RetryDelay(none, 0, options, clock));
        Assert.Equal(TimeSpan.FromSeconds(4), CohereReranker.RetryDelay(none, 2, options, clock));
        Assert.Equal(TimeSpan.FromSeconds(30), CohereReranker.RetryDelay(null, 10, options, clock));
    }

    [Fact]
    public void RetryDelay_RetryAfterMsAndPastDate_AreHonored()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var options = new CohereRerankerOptions { RetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(30) };
        using var milliseconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        milliseconds.Headers.TryAddWithoutValidation("retry-after-ms", "250");
        milliseconds.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(9)); // retry-after-ms wins
        using var past = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        past.Headers.RetryAfter = new RetryConditionHeaderValue(clock.GetUtcNow().AddSeconds(-5));

        Assert.Equal(TimeSpan.FromMilliseconds(250), CohereReranker.RetryDelay(milliseconds, 0, options, clock));
        Assert.Equal(TimeSpan.Zero, CohereReranker.RetryDelay(past, 0, options, clock));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowNamingTheOption()
    {
        Assert.Equal("Endpoint", Assert.Throws<ArgumentException>(() => new CohereReranker(new CohereRerankerOptions { Endpoint = new Uri("ftp://x") })).ParamName);
        Assert.Equal("Model", Assert.Throws<ArgumentException>(() => new CohereReranker(new CohereRerankerOptions { Model = " " })).ParamName);
        Assert.Equal("MaxDocumentsPerRequest", Assert.Throws<ArgumentOutOfRangeException>(() => new CohereReranker(new CohereRerankerOptions { MaxDocumentsPerRequest = 0 })).ParamName);
        Assert.Equal("MaxRetries", Assert.Throws<ArgumentOutOfRangeException>(() => new CohereReranker(new CohereRerankerOptions { MaxRetries = -1 })).ParamName);
        Assert.Equal("Timeout", Assert.Throws<ArgumentOutOfRangeException>(() => new CohereReranker(new CohereRerankerOptions { Timeout = TimeSpan.Zero })).ParamName);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
