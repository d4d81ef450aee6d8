using System.Net;
using LlamaDb.Chat.OpenAI.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace LlamaDb.Chat.OpenAI.Tests.Chat;

public sealed class OpenAIChatClientErrorTests : IAsyncLifetime
{
    private const string Key = "sk-proj-verysecretkey0123456789";
    private ChatWireServer _server = null!;

    public async Task InitializeAsync() => _server = await ChatWireServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private OpenAIChatClient CreateClient(int maxRetries = 0) =>
        new(new OpenAIChatClientOptions { ApiKey = Key, Endpoint = _server.V1, Model = "gpt-test", MaxRetries = maxRetries });

    [Fact]
    public async Task GetResponseAsync_401EchoingTheKey_ThrowsTypedExceptionWithoutTheKey()
    {
        _server.EnqueueError(401, $"Incorrect API key provided: {Key}. You can find your API key at https://platform.openai.com.", code: "invalid_api_key");
        using OpenAIChatClient client = CreateClient();

        var error = await Assert.ThrowsAsync<ChatProviderException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("invalid_api_key", error.ErrorCode);
        Assert.Equal("invalid_request_error", error.ErrorType);
        Assert.Equal("openai", error.Provider);
        Assert.False(error.IsTransient);
        Assert.Contains("Incorrect API key provided", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("verysecret", error.ToString(), StringComparison.Ordinal);
        Assert.Null(error.InnerException); // The SDK's exception quotes the raw body; it is not attached.
    }

    [Theory]
    [InlineData(429, "rate_limit_exceeded", true)]
    [InlineData(429, "insufficient_quota", false)]
    [InlineData(500, null, true)]
    public async Task GetResponseAsync_ServiceError_ThrowsWithStatusCodeAndTransience(int status, string? code, bool transient)
    {
        _server.EnqueueError(status, "Something went wrong.", type: "server_error", code: code);
        using OpenAIChatClient client = CreateClient();

        var error = await Assert.ThrowsAsync<ChatProviderException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]));

        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(transient, error.IsTransient);
        Assert.Contains("Something went wrong.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_NonJsonErrorBody_StillReportsTheStatus()
    {
        _server.Enqueue(502, "<html>Bad gateway</html>");
        using OpenAIChatClient client = CreateClient();

        var error = await Assert.ThrowsAsync<ChatProviderException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]));

        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Contains("HTTP 502", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ErrorStatus_ThrowsTypedExceptionOnFirstMove()
    {
        _server.EnqueueError(429, "Rate limit reached for requests.", type: "requests", code: "rate_limit_exceeded");
        using OpenAIChatClient client = CreateClient();

        var error = await Assert.ThrowsAsync<ChatProviderException>(async () =>
        {
            await foreach (ChatResponseUpdate _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]))
            {
            }
        });

        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.DoesNotContain(Key, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_500ThenSuccessWithRetries_RetriesOnce()
    {
        _server.EnqueueError(500, "transient", type: "server_error", headers: [("retry-after-ms", "1")]);
        _server.EnqueueCompletion("recovered");
        using OpenAIChatClient client = CreateClient(maxRetries: 1);

        ChatResponse response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]);

        Assert.Equal("recovered", response.Text);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public void Constructor_NegativeRetries_NamesTheOption()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new OpenAIChatClient(new OpenAIChatClientOptions { ApiKey = Key, MaxRetries = -1 }));

        Assert.Equal("OpenAIChatClientOptions.MaxRetries", error.ParamName);
    }

    [Fact]
    public void Constructor_CompatibleWithoutModel_SaysWhatIsMissing()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new OpenAIChatClient(new OpenAICompatibleChatClientOptions { Endpoint = _server.V1 }));

        Assert.Contains("Model", error.Message, StringComparison.Ordinal);
    }
}
