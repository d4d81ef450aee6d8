using LlamaDb.Chat.OpenAI.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace LlamaDb.Chat.OpenAI.Tests.Chat;

public sealed class OpenAIChatClientProviderTests : IAsyncLifetime
{
    private ChatWireServer _server = null!;

    public async Task InitializeAsync() => _server = await ChatWireServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Azure_Request_GoesToV1PathWithApiKeyHeaderAndDeploymentAsModel()
    {
        _server.EnqueueCompletion("hi");
        using var client = new OpenAIChatClient(new AzureOpenAIChatClientOptions
        {
            Endpoint = _server.BaseAddress,
            ApiKey = "azure-key-0123456789",
            Deployment = "my-gpt4o",
            MaxRetries = 0,
        });

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { MaxOutputTokens = 5 });

        ChatRequest request = _server.Single;
        Assert.Equal("/openai/v1/chat/completions", request.Path);
        Assert.Equal("azure-key-0123456789", request.Headers["api-key"]);
        Assert.False(request.Headers.ContainsKey("Authorization"));
        Assert.Equal("my-gpt4o", (string?)request.Json["model"]);
        Assert.Equal(5, (int?)request.Json["max_completion_tokens"]);
        ChatClientMetadata metadata = client.GetService<ChatClientMetadata>()!;
        Assert.Equal("azure.ai.openai", metadata.ProviderName);
        Assert.Equal(new Uri(_server.BaseAddress, "/openai/v1/"), metadata.ProviderUri);
    }

    [Fact]
    public async Task Compatible_WithoutKey_SendsNoAuthorizationAndUsesMaxTokens()
    {
        _server.EnqueueCompletion("hi");
        using var client = new OpenAIChatClient(new OpenAICompatibleChatClientOptions { Endpoint = _server.V1, Model = "llama3.2", MaxRetries = 0 });

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { MaxOutputTokens = 64 });

        ChatRequest request = _server.Single;
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.False(request.Headers.ContainsKey("Authorization"));
        Assert.False(request.Headers.ContainsKey("api-key"));
        JsonAssert.Equal("""{"model":"llama3.2","messages":[{"role":"user","content":"Hi"}],"max_tokens":64}""", request.Json);
    }

    [Fact]
    public async Task Compatible_WithKey_SendsBearer()
    {
        _server.EnqueueCompletion("hi");
        using var client = new OpenAIChatClient(new OpenAICompatibleChatClientOptions { Endpoint = _server.V1, Model = "m", ApiKey = "local-token", MaxRetries = 0 });

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]);

        Assert.Equal("Bearer local-token", _server.Single.Headers["Authorization"]);
    }

    [Fact]
    public async Task AsLlamaDbChatClient_SdkClient_TalksThroughItsPipeline()
    {
        _server.EnqueueCompletion("bridged");
        var sdk = new global::OpenAI.Chat.ChatClient(
            "gpt-bridge",
            new System.ClientModel.ApiKeyCredential("sk-bridge-000000"),
            new global::OpenAI.OpenAIClientOptions { Endpoint = _server.V1 });
        using IChatClient client = sdk.AsLlamaDbChatClient();

        ChatResponse response = await client.GetResponseAsync("Hi");

        Assert.Equal("bridged", response.Text);
        Assert.Equal("gpt-bridge", client.GetService<ChatClientMetadata>()!.DefaultModelId);
    }
}
