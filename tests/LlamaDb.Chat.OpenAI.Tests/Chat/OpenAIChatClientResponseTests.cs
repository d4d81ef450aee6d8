using System.Text.Json;
using System.Text.Json.Nodes;
using LlamaDb.Chat.OpenAI.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace LlamaDb.Chat.OpenAI.Tests.Chat;

public sealed class OpenAIChatClientResponseTests : IAsyncLifetime
{
    private ChatWireServer _server = null!;

    public async Task InitializeAsync() => _server = await ChatWireServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private OpenAIChatClient CreateClient() =>
        new(new OpenAICompatibleChatClientOptions { Endpoint = _server.V1, Model = "llama-test", MaxRetries = 0 });

    [Fact]
    public async Task GetResponseAsync_Completion_MapsTextUsageFinishReasonAndIds()
    {
        _server.EnqueueCompletion("Paris.", model: "llama-test-2025", promptTokens: 20, completionTokens: 5);
        using OpenAIChatClient client = CreateClient();

        ChatResponse response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Capital of France?")]);

        Assert.Equal("Paris.", response.Text);
        Assert.Equal(ChatRole.Assistant, Assert.Single(response.Messages).Role);
        Assert.Equal("chatcmpl-123", response.ResponseId);
        Assert.Equal("llama-test-2025", response.ModelId);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), response.CreatedAt);
        Assert.NotNull(response.Usage);
        Assert.Equal(20, response.Usage.InputTokenCount);
        Assert.Equal(5, response.Usage.OutputTokenCount);
        Assert.Equal(25, response.Usage.TotalTokenCount);
        Assert.Equal(3, response.Usage.CachedInputTokenCount);
        Assert.Equal(2, response.Usage.ReasoningTokenCount);
    }

    [Fact]
    public async Task GetResponseAsync_LengthFinish_MapsLength()
    {
        _server.EnqueueCompletion("Par", finishReason: "length");
        using OpenAIChatClient client = CreateClient();

        ChatResponse response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "?")]);

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
    }

    [Fact]
    public async Task GetResponseAsync_ToolCalls_BecomeFunctionCallContentWithParsedArguments()
    {
        var message = new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = null,
            ["tool_calls"] = new JsonArray(
                new JsonObject { ["id"] = "call_a", ["type"] = "function", ["function"] = new JsonObject { ["name"] = "search", ["arguments"] = "{\"query\":\"hnsw\",\"top\":3}" } },
                new JsonObject { ["id"] = "call_b", ["type"] = "function", ["function"] = new JsonObject { ["name"] = "now", ["arguments"] = "{}" } }),
        };
        _server.Enqueue(200, ChatWireServer.Completion(message, "tool_calls"));
        using OpenAIChatClient client = CreateClient();

        ChatResponse response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Find hnsw")]);

        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        FunctionCallContent[] calls = [.. response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()];
        Assert.Equal(2, calls.Length);
        Assert.Equal(("call_a", "search"), (calls[0].CallId, calls[0].Name));
        Assert.Equal("hnsw", ((JsonElement)calls[0].Arguments!["query"]!).GetString());
        Assert.Equal(3, ((JsonElement)calls[0].Arguments!["top"]!).GetInt32());
        Assert.Equal(("call_b", "now"), (calls[1].CallId, calls[1].Name));
        Assert.Empty(calls[1].Arguments!);
    }

    [Fact]
    public async Task GetResponseAsync_ToolCallWithBrokenArguments_ReportsParseErrorOnTheCall()
    {
        var message = new JsonObject
        {
            ["role"] = "assistant",
            ["tool_calls"] = new JsonArray(
                new JsonObject { ["id"] = "call_x", ["type"] = "function", ["function"] = new JsonObject { ["name"] = "search", ["arguments"] = "{\"query\":" } }),
        };
        _server.Enqueue(200, ChatWireServer.Completion(message, "tool_calls"));
        using OpenAIChatClient client = CreateClient();

        ChatResponse response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "x")]);

        FunctionCallContent call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.NotNull(call.Exception);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Chunks_YieldsOneUpdatePerEventInOrderWithUsageLast()
    {
        _server.EnqueueStream(
            ChatWireServer.Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }),
            ChatWireServer.TextChunk("Hel"),
            ChatWireServer.TextChunk("lo"),
            ChatWireServer.TextChunk(" world"),
            ChatWireServer.Chunk([], "stop"),
            ChatWireServer.UsageChunk(9, 3));
        using OpenAIChatClient client = CreateClient();

        List<ChatResponseUpdate> updates = [];
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]))
        {
            updates.Add(update);
        }

        Assert.Equal(6, updates.Count);
        Assert.Equal(["", "Hel", "lo", " world", "", ""], updates.Select(u => u.Text));
        Assert.All(updates, u => Assert.Equal("chatcmpl-s1", u.ResponseId));
        Assert.All(updates, u => Assert.Equal(ChatRole.Assistant, u.Role));
        Assert.Equal(ChatFinishReason.Stop, updates[4].FinishReason);
        UsageContent usage = Assert.IsType<UsageContent>(Assert.Single(updates[5].Contents));
        Assert.Equal((9L, 3L, 12L), (usage.Details.InputTokenCount!.Value, usage.Details.OutputTokenCount!.Value, usage.Details.TotalTokenCount!.Value));

        ChatResponse combined = updates.ToChatResponse();
        Assert.Equal("Hello world", combined.Text);
        Assert.Equal(ChatFinishReason.Stop, combined.FinishReason);
        Assert.Equal(12, combined.Usage!.TotalTokenCount);
        Assert.Equal("test-model", combined.ModelId);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ToolCallDeltas_AreAssembledIntoWholeCalls()
    {
        _server.EnqueueStream(
            ChatWireServer.Chunk(new JsonObject { ["role"] = "assistant", ["content"] = null }),
            ChatWireServer.Chunk(Delta(0, "call_1", "search", "")),
            ChatWireServer.Chunk(Delta(0, null, null, "{\"que")),
            ChatWireServer.Chunk(Delta(1, "call_2", "search", "{\"query\":")),
            ChatWireServer.Chunk(Delta(0, null, null, "ry\":\"a\"}")),
            ChatWireServer.Chunk(Delta(1, null, null, "\"b\"}")),
            ChatWireServer.Chunk([], "tool_calls"),
            ChatWireServer.UsageChunk(5, 8));
        using OpenAIChatClient client = CreateClient();

        List<ChatResponseUpdate> updates = [];
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "a and b")]))
        {
            updates.Add(update);
        }

        Assert.Equal(9, updates.Count); // 8 events + the assembled calls
        Assert.DoesNotContain(updates.Take(8), u => u.Contents.OfType<FunctionCallContent>().Any());
        ChatResponseUpdate last = updates[^1];
        Assert.Equal(ChatFinishReason.ToolCalls, last.FinishReason);
        FunctionCallContent[] calls = [.. last.Contents.OfType<FunctionCallContent>()];
        Assert.Equal(["call_1", "call_2"], calls.Select(c => c.CallId));
        Assert.All(calls, c => Assert.Equal("search", c.Name));
        Assert.Equal("a", ((JsonElement)calls[0].Arguments!["query"]!).GetString());
        Assert.Equal("b", ((JsonElement)calls[1].Arguments!["query"]!).GetString());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ParallelCallsAllAtIndexZero_AreKeptApart()
    {
        // Ollama streams each parallel call whole, every one at index 0; a new id at an index starts a new call.
        _server.EnqueueStream(
            ChatWireServer.Chunk(new JsonObject { ["role"] = "assistant", ["content"] = null }),
            ChatWireServer.Chunk(Delta(0, "call_a", "search", "{\"query\":\"a\"}")),
            ChatWireServer.Chunk(Delta(0, "call_b", "lookup", "{\"query\":")),
            ChatWireServer.Chunk(Delta(0, null, null, "\"b\"}")),
            ChatWireServer.Chunk([], "tool_calls"));
        using OpenAIChatClient client = CreateClient();

        List<ChatResponseUpdate> updates = [];
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "a and b")]))
        {
            updates.Add(update);
        }

        FunctionCallContent[] calls = [.. updates[^1].Contents.OfType<FunctionCallContent>()];
        Assert.Equal(["call_a", "call_b"], calls.Select(c => c.CallId));
        Assert.Equal(["search", "lookup"], calls.Select(c => c.Name));
        Assert.All(calls, c => Assert.Null(c.Exception));
        Assert.Equal("a", ((JsonElement)calls[0].Arguments!["query"]!).GetString());
        Assert.Equal("b", ((JsonElement)calls[1].Arguments!["query"]!).GetString());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ToolCallWithoutName_ThrowsChatProviderException()
    {
        _server.EnqueueStream(
            ChatWireServer.Chunk(Delta(0, "call_1", null, "{}")),
            ChatWireServer.Chunk([], "tool_calls"));
        using OpenAIChatClient client = CreateClient();

        ChatProviderException error = await Assert.ThrowsAsync<ChatProviderException>(async () =>
        {
            await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "a")]))
            {
                Assert.NotNull(update);
            }
        });
        Assert.Contains("index 0", error.Message, StringComparison.Ordinal);
    }

    private static JsonObject Delta(int index, string? id, string? name, string arguments)
    {
        var function = new JsonObject { ["arguments"] = arguments };
        if (name is not null)
        {
            function["name"] = name;
        }

        var call = new JsonObject { ["index"] = index, ["function"] = function };
        if (id is not null)
        {
            call["id"] = id;
            call["type"] = "function";
        }

        return new JsonObject { ["tool_calls"] = new JsonArray(call) };
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CancelledMidStream_ThrowsAndClosesTheRequest()
    {
        Task serverSawAbort = _server.EnqueueStreamThenHold(ChatWireServer.TextChunk("first"));
        using OpenAIChatClient client = CreateClient();
        using var cts = new CancellationTokenSource();

        var received = new List<string>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")], cancellationToken: cts.Token))
            {
                received.Add(update.Text);
                await cts.CancelAsync();
            }
        });

        Assert.Equal(["first"], received);
        await serverSawAbort; // Completes only when the server sees the connection go; the test would hang otherwise.
    }

    [Fact]
    public async Task GetService_MetadataAndSelf_AreAvailable()
    {
        using OpenAIChatClient client = CreateClient();

        ChatClientMetadata metadata = Assert.IsType<ChatClientMetadata>(client.GetService(typeof(ChatClientMetadata)));
        Assert.Equal("openai-compatible", metadata.ProviderName);
        Assert.Equal("llama-test", metadata.DefaultModelId);
        Assert.Equal(_server.V1, metadata.ProviderUri);
        Assert.Same(client, client.GetService(typeof(IChatClient)));
        Assert.IsType<global::OpenAI.Chat.ChatClient>(client.GetService(typeof(global::OpenAI.Chat.ChatClient)));
        Assert.Null(client.GetService(typeof(ChatClientMetadata), "some-key"));
        Assert.Null(client.GetService(typeof(string)));
        await Task.CompletedTask;
    }
}
