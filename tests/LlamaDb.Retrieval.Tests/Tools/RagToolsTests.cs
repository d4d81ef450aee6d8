using System.Text.Json;
using LlamaDb.Retrieval.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace LlamaDb.Retrieval.Tests.Tools;

public sealed class RagToolsTests
{
    private static readonly RetrievedChunk[] s_chunks =
    [
        FixedRetriever.Chunk("hnsw", 0, "HNSW builds a layered proximity graph.", 0.91, title: "HNSW"),
        FixedRetriever.Chunk("bm25", 2, "BM25 scores terms by frequency and rarity.", 0.72, title: "BM25"),
        FixedRetriever.Chunk("wal", 1, "The write-ahead log makes writes durable.", 0.40),
    ];

    [Fact]
    public void Create_Tools_AreNamedAndDescribeTheirParameters()
    {
        var retriever = new FixedRetriever(s_chunks);
        IList<AITool> tools = RagTools.Create(new RagPipeline(retriever, new RecordingChatClient("x")), retriever);

        Assert.Equal(["search_knowledge_base", "ask_knowledge_base"], tools.Select(t => t.Name));
        AIFunction search = Assert.IsAssignableFrom<AIFunction>(tools[0]);
        JsonElement properties = search.JsonSchema.GetProperty("properties");
        Assert.Equal("string", properties.GetProperty("query").GetProperty("type").GetString());
        Assert.True(properties.TryGetProperty("top", out _));
        Assert.False(properties.TryGetProperty("cancellationToken", out _));
        Assert.Equal(["query"], search.JsonSchema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        AIFunction ask = Assert.IsAssignableFrom<AIFunction>(tools[1]);
        Assert.True(ask.JsonSchema.GetProperty("properties").TryGetProperty("question", out _));
        Assert.False(string.IsNullOrWhiteSpace(ask.Description));
    }

    [Fact]
    public async Task SearchKnowledgeBase_Invoked_ReturnsNumberedChunksWithCitationDetails()
    {
        var retriever = new FixedRetriever(s_chunks);
        AIFunction search = RagTools.CreateSearchFunction(retriever);

        object? result = await search.InvokeAsync(new AIFunctionArguments { ["query"] = "graph index", ["top"] = 2 });

        JsonElement json = Assert.IsType<JsonElement>(result);
        Assert.Equal(2, json.GetArrayLength());
        JsonElement first = json[0];
        Assert.Equal(1, first.GetProperty("number").GetInt32());
        Assert.Equal("hnsw", first.GetProperty("documentId").GetString());
        Assert.Equal("docs/hnsw.md", first.GetProperty("source").GetString());
        Assert.Equal("HNSW builds a layered proximity graph.", first.GetProperty("text").GetString());
        Assert.Equal(38, first.GetProperty("endOffset").GetInt32());
        Assert.Equal(2, json[1].GetProperty("number").GetInt32());
        Assert.Equal(("graph index", 2), (retriever.Calls[0].Query, retriever.Calls[0].Options!.Top));
    }

    [Fact]
    public async Task SearchKnowledgeBase_TopOverLimitOrMissing_IsClampedOrDefaulted()
    {
        var retriever = new FixedRetriever(s_chunks);
        AIFunction search = RagTools.CreateSearchFunction(retriever, new RagToolOptions { DefaultTop = 1, MaxTop = 2 });

        await search.InvokeAsync(new AIFunctionArguments { ["query"] = "a", ["top"] = 500 });
        await search.InvokeAsync(new AIFunctionArguments { ["query"] = "b" });

        Assert.Equal([2, 1], retriever.Calls.Select(c => c.Options!.Top));
    }

    [Fact]
    public async Task AskKnowledgeBase_Invoked_ReturnsAnswerWithCitations()
    {
        var retriever = new FixedRetriever(s_chunks);
        AIFunction ask = RagTools.CreateAskFunction(new RagPipeline(retriever, new RecordingChatClient("BM25 ranks by term statistics [2].")));

        object? result = await ask.InvokeAsync(new AIFunctionArguments { ["question"] = "How does BM25 rank?" });

        JsonElement json = Assert.IsType<JsonElement>(result);
        Assert.Equal("BM25 ranks by term statistics [2].", json.GetProperty("answer").GetString());
        Assert.True(json.GetProperty("found").GetBoolean());
        JsonElement citation = Assert.Single(json.GetProperty("citations").EnumerateArray());
        Assert.Equal(2, citation.GetProperty("number").GetInt32());
        Assert.Equal("bm25", citation.GetProperty("documentId").GetString());
    }

    [Fact]
    public async Task AskKnowledgeBase_NothingFound_SaysSo()
    {
        AIFunction ask = RagTools.CreateAskFunction(new RagPipeline(new FixedRetriever(), new RecordingChatClient("unused")));

        object? result = await ask.InvokeAsync(new AIFunctionArguments { ["question"] = "Anything?" });

        JsonElement json = Assert.IsType<JsonElement>(result);
        Assert.False(json.GetProperty("found").GetBoolean());
        Assert.Equal(RagPipelineOptions.DefaultNotFoundAnswer, json.GetProperty("answer").GetString());
    }
}
