using System.Text.Json.Nodes;
using LlamaDb.Chat.OpenAI;
using LlamaDb.Chat.OpenAI.Tests.Infrastructure;
using LlamaDb.Retrieval.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace LlamaDb.Retrieval.Tests.Answers;

/// <summary>The pipeline wired through DI to the OpenAI-compatible chat client, against a loopback server streaming SSE.</summary>
public sealed class RagPipelineEndToEndTests : IAsyncLifetime
{
    private ChatWireServer _server = null!;

    public async Task InitializeAsync() => _server = await ChatWireServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AskStreamingAsync_OverOpenAICompatibleServer_StreamsAnswerAndCitesTheRightChunks()
    {
        _server.EnqueueStream(
            ChatWireServer.Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }),
            ChatWireServer.TextChunk("The WAL "),
            ChatWireServer.TextChunk("makes writes durable "),
            ChatWireServer.TextChunk("[2]."),
            ChatWireServer.Chunk([], "stop"),
            ChatWireServer.UsageChunk(120, 9));
        var services = new ServiceCollection();
        services.AddSingleton<IRetriever>(new FixedRetriever(
            FixedRetriever.Chunk("hnsw", 0, "HNSW builds a layered proximity graph.", 0.91, title: "HNSW"),
            FixedRetriever.Chunk("wal", 1, "The write-ahead log makes writes durable.", 0.80, title: "WAL")));
        services.AddOpenAICompatibleChatClient(o =>
        {
            o.Endpoint = _server.V1;
            o.Model = "llama3.2";
            o.MaxRetries = 0;
        });
        services.AddLlamaDbRetrieval();
        await using ServiceProvider provider = services.BuildServiceProvider();
        RagPipeline pipeline = provider.GetRequiredService<RagPipeline>();

        List<RagUpdate> updates = [];
        await foreach (RagUpdate update in pipeline.AskStreamingAsync("How are writes kept durable?", new RagOptions { ChatOptions = new ChatOptions { Temperature = 0 } }))
        {
            updates.Add(update);
        }

        Assert.Equal(["The WAL ", "makes writes durable ", "[2]."], updates.Where(u => u.Kind == RagUpdateKind.TextDelta).Select(u => u.Text));
        RagAnswer answer = Assert.Single(updates, u => u.Kind == RagUpdateKind.Completed).Answer!;
        Assert.Same(answer, updates[^1].Answer);
        Assert.Equal("The WAL makes writes durable [2].", answer.Text);
        RagCitation citation = Assert.Single(answer.Citations);
        Assert.Equal(("wal", "wal#1", 2), (citation.DocumentId, citation.ChunkId, citation.Number));
        Assert.Equal(129, answer.Usage!.TotalTokenCount);
        Assert.Equal("test-model", answer.ModelId);

        JsonNode request = _server.Single.Json;
        Assert.Equal("llama3.2", (string?)request["model"]);
        Assert.True((bool?)request["stream"]);
        Assert.Equal(0, (double?)request["temperature"]);
        JsonArray messages = request["messages"]!.AsArray();
        Assert.Equal(["system", "user"], messages.Select(m => (string?)m!["role"]));
        Assert.Equal(RagPipelineOptions.DefaultSystemPrompt, (string?)messages[0]!["content"]);
        Assert.Equal(
            "Sources:\n\n[1] HNSW (docs/hnsw.md)\nHNSW builds a layered proximity graph.\n\n[2] WAL (docs/wal.md)\nThe write-ahead log makes writes durable.\n\nQuestion: How are writes kept durable?",
            (string?)messages[1]!["content"]);
    }

    [Fact]
    public async Task AskAsync_OverOpenAICompatibleServer_ReturnsAnswerWithUsage()
    {
        _server.EnqueueCompletion("HNSW is a layered graph [1].", promptTokens: 50, completionTokens: 8);
        using var chat = new OpenAIChatClient(new OpenAICompatibleChatClientOptions { Endpoint = _server.V1, Model = "m", MaxRetries = 0 });
        var pipeline = new RagPipeline(new FixedRetriever(FixedRetriever.Chunk("hnsw", 0, "HNSW builds a layered proximity graph.", 0.91)), chat);

        RagAnswer answer = await pipeline.AskAsync("What is HNSW?");

        Assert.Equal("hnsw", Assert.Single(answer.Citations).DocumentId);
        Assert.Equal((50L, 8L), (answer.Usage!.InputTokenCount!.Value, answer.Usage.OutputTokenCount!.Value));
        Assert.Equal(ChatFinishReason.Stop, answer.FinishReason);
    }
}
