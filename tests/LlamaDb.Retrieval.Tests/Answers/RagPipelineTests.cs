using LlamaDb.Retrieval.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace LlamaDb.Retrieval.Tests.Answers;

public sealed class RagPipelineTests
{
    private static readonly RetrievedChunk[] s_chunks =
    [
        FixedRetriever.Chunk("hnsw", 0, "HNSW builds a layered proximity graph.", 0.91, title: "HNSW"),
        FixedRetriever.Chunk("bm25", 2, "BM25 scores terms by frequency and rarity.", 0.72, title: "BM25"),
        FixedRetriever.Chunk("wal", 1, "The write-ahead log makes writes durable.", 0.40),
    ];

    [Fact]
    public async Task AskAsync_Sources_AreNumberedInRankOrderInThePrompt()
    {
        var chat = new RecordingChatClient("HNSW is a graph [1].");
        var pipeline = new RagPipeline(new FixedRetriever(s_chunks), chat);

        await pipeline.AskAsync("What is HNSW?");

        List<ChatMessage> messages = Assert.Single(chat.Calls).Messages;
        Assert.Equal([ChatRole.System, ChatRole.User], messages.Select(m => m.Role));
        Assert.Equal(RagPipelineOptions.DefaultSystemPrompt, messages[0].Text);
        Assert.Equal(
            "Sources:\n\n" +
            "[1] HNSW (docs/hnsw.md)\nHNSW builds a layered proximity graph.\n\n" +
            "[2] BM25 (docs/bm25.md)\nBM25 scores terms by frequency and rarity.\n\n" +
            "[3] (docs/wal.md)\nThe write-ahead log makes writes durable.\n\n" +
            "Question: What is HNSW?",
            messages[1].Text);
    }

    [Fact]
    public async Task AskAsync_Answer_CitesOnlySourcesItMentionsWithTheirDetails()
    {
        var chat = new RecordingChatClient("HNSW is a graph [1], unlike BM25 [2][1]. See also [7] and [0].");
        var pipeline = new RagPipeline(new FixedRetriever(s_chunks), chat);

        RagAnswer answer = await pipeline.AskAsync("What is HNSW?");

        Assert.Equal("HNSW is a graph [1], unlike BM25 [2][1]. See also [7] and [0].", answer.Text);
        Assert.Equal([1, 2], answer.Citations.Select(c => c.Number));
        Assert.Equal([1, 2, 3], answer.Sources.Select(c => c.Number));
        RagCitation first = answer.Citations[0];
        Assert.Equal(("hnsw#0", "hnsw", "docs/hnsw.md", "HNSW builds a layered proximity graph."), (first.ChunkId, first.DocumentId, first.Source, first.Text));
        Assert.Equal((0, 38), (first.StartOffset, first.EndOffset));
        RagCitation second = answer.Citations[1];
        Assert.Equal(("bm25", 2000, 2000 + s_chunks[1].Text.Length), (second.DocumentId, second.StartOffset, second.EndOffset));
        Assert.False(answer.NothingFound);
        Assert.Equal(110, answer.Usage!.TotalTokenCount);
        Assert.Equal("recording-model", answer.ModelId);
        Assert.Equal(ChatFinishReason.Stop, answer.FinishReason);
    }

    [Theory]
    [InlineData("Both [1, 3].", new[] { 1, 3 })]
    [InlineData("All of them [1-3].", new[] { 1, 2, 3 })]
    [InlineData("No citations here.", new int[0])]
    [InlineData("Array index a[2] counts too [ 2 ].", new[] { 2 })]
    public async Task AskAsync_CitationForms_AreRecognized(string text, int[] expected)
    {
        var pipeline = new RagPipeline(new FixedRetriever(s_chunks), new RecordingChatClient(text));

        RagAnswer answer = await pipeline.AskAsync("q");

        Assert.Equal(expected, answer.Citations.Select(c => c.Number));
    }

    [Fact]
    public async Task AskAsync_TokenBudget_PacksOnlyWhatFitsAndSkipsOversizedChunks()
    {
        RetrievedChunk huge = FixedRetriever.Chunk("huge", 0, string.Join(' ', Enumerable.Repeat("word", 400)), 0.95);
        RetrievedChunk[] chunks = [huge, .. s_chunks];
        var counter = new ApproximatePromptTokenCounter();
        int firstTwo = counter.CountTokens("[1] HNSW (docs/hnsw.md)\nHNSW builds a layered proximity graph.")
            + counter.CountTokens("[2] BM25 (docs/bm25.md)\nBM25 scores terms by frequency and rarity.");
        var chat = new RecordingChatClient("ok [2]");
        var pipeline = new RagPipeline(new FixedRetriever(chunks), chat, new RagPipelineOptions { Top = 10, MaxContextTokens = firstTwo });

        RagAnswer answer = await pipeline.AskAsync("q");

        Assert.Equal(["hnsw#0", "bm25#2"], answer.Sources.Select(s => s.ChunkId));
        Assert.Equal([1, 2], answer.Sources.Select(s => s.Number));
        Assert.DoesNotContain("word word", chat.PromptOf(), StringComparison.Ordinal);
        Assert.DoesNotContain("write-ahead", chat.PromptOf(), StringComparison.Ordinal);
        Assert.Equal("bm25", Assert.Single(answer.Citations).DocumentId);
    }

    [Fact]
    public async Task AskAsync_CustomTokenCounter_DecidesTheBudget()
    {
        var chat = new RecordingChatClient("ok");
        var pipeline = new RagPipeline(new FixedRetriever(s_chunks), chat, new RagPipelineOptions { MaxContextTokens = 2 }, new OneTokenPerSource());

        RagAnswer answer = await pipeline.AskAsync("q");

        Assert.Equal(2, answer.Sources.Count);
    }

    [Fact]
    public async Task AskAsync_NothingClearsThreshold_AnswersNotFoundWithoutCallingTheModel()
    {
        var chat = new RecordingChatClient("should not be used");
        var pipeline = new RagPipeline(new FixedRetriever(s_chunks), chat, new RagPipelineOptions { MinRelevanceScore = 0.95 });

        RagAnswer answer = await pipeline.AskAsync("What is HNSW?");

        Assert.Empty(chat.Calls);
        Assert.True(answer.NothingFound);
        Assert.Equal(RagPipelineOptions.DefaultNotFoundAnswer, answer.Text);
        Assert.Empty(answer.Citations);
        Assert.Empty(answer.Sources);
        Assert.Null(answer.Usage);
    }

    [Fact]
    public async Task AskAsync_Threshold_DropsOnlyChunksBelowIt()
    {
        var chat = new RecordingChatClient("ok");
        var pipeline = new RagPipeline(new FixedRetriever(s_chunks), chat);

        RagAnswer answer = await pipeline.AskAsync("q", new RagOptions { MinRelevanceScore = 0.5 });

        Assert.Equal(["hnsw", "bm25"], answer.Sources.Select(s => s.DocumentId));
    }

    [Fact]
    public async Task AskAsync_NothingFoundWithCustomAnswer_UsesIt()
    {
        var pipeline = new RagPipeline(new FixedRetriever(), new RecordingChatClient("x"));

        RagAnswer answer = await pipeline.AskAsync("q", new RagOptions { NotFoundAnswer = "Nothing on that." });

        Assert.Equal("Nothing on that.", answer.Text);
    }

    [Fact]
    public async Task AskAsync_NothingFoundButModelRequested_CallsModelSayingThereAreNoSources()
    {
        var chat = new RecordingChatClient("I don't know.");
        var pipeline = new RagPipeline(new FixedRetriever(), chat, new RagPipelineOptions { CallModelWhenNothingFound = true });

        RagAnswer answer = await pipeline.AskAsync("Who won?");

        Assert.Single(chat.Calls);
        Assert.StartsWith("Sources: none were found", chat.PromptOf(), StringComparison.Ordinal);
        Assert.Equal("I don't know.", answer.Text);
        Assert.True(answer.NothingFound);
    }

    [Fact]
    public async Task AskAsync_History_GoesBetweenSystemAndQuestionAndQuestionAloneIsTheQuery()
    {
        var retriever = new FixedRetriever(s_chunks);
        var chat = new RecordingChatClient("ok");
        var pipeline = new RagPipeline(retriever, chat);
        ChatMessage[] history = [new(ChatRole.User, "Tell me about indexes."), new(ChatRole.Assistant, "Which one?")];

        await pipeline.AskAsync("The graph one.", new RagOptions { History = history });

        List<ChatMessage> messages = chat.Calls[0].Messages;
        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.User], messages.Select(m => m.Role));
        Assert.Equal("Tell me about indexes.", messages[1].Text);
        Assert.Equal("Which one?", messages[2].Text);
        Assert.EndsWith("Question: The graph one.", messages[3].Text, StringComparison.Ordinal);
        Assert.Equal("The graph one.", Assert.Single(retriever.Calls).Query);
    }

    [Fact]
    public async Task AskAsync_Options_FlowToRetrieverAndModel()
    {
        var retriever = new FixedRetriever(s_chunks);
        var chat = new RecordingChatClient("ok");
        var pipeline = new RagPipeline(retriever, chat);
        var chatOptions = new ChatOptions { Temperature = 0 };

        await pipeline.AskAsync("q", new RagOptions
        {
            Top = 2,
            SystemPrompt = "Custom rules.",
            Retrieval = new RetrievalOptions { Mode = RetrievalMode.Keyword, Candidates = 1, MmrLambda = 0.5 },
            ChatOptions = chatOptions,
        });

        RetrievalOptions sent = retriever.Calls[0].Options!;
        Assert.Equal((RetrievalMode.Keyword, 2, 2, 0.5), (sent.Mode, sent.Top, sent.Candidates, sent.MmrLambda!.Value));
        Assert.Same(chatOptions, chat.Calls[0].Options);
        Assert.Equal("Custom rules.", chat.Calls[0].Messages[0].Text);
        Assert.Equal(2, chat.PromptOf().Split("\n[").Length - 1);
    }

    [Fact]
    public async Task AskStreamingAsync_Updates_TextDeltasInOrderThenCompletedWithCitationsAndUsage()
    {
        var chat = new RecordingChatClient("HNSW ", "is a graph ", "[1].");
        var pipeline = new RagPipeline(new FixedRetriever(s_chunks), chat);

        List<RagUpdate> updates = [];
        await foreach (RagUpdate update in pipeline.AskStreamingAsync("What is HNSW?"))
        {
            updates.Add(update);
        }

        Assert.Equal(
            [RagUpdateKind.TextDelta, RagUpdateKind.TextDelta, RagUpdateKind.TextDelta, RagUpdateKind.Completed],
            updates.Select(u => u.Kind));
        Assert.Equal(["HNSW ", "is a graph ", "[1]."], updates.Take(3).Select(u => u.Text));
        RagAnswer answer = updates[^1].Answer!;
        Assert.Equal("HNSW is a graph [1].", answer.Text);
        Assert.Equal("hnsw", Assert.Single(answer.Citations).DocumentId);
        Assert.Equal(3, answer.Sources.Count);
        Assert.Equal(110, answer.Usage!.TotalTokenCount);
    }

    [Fact]
    public async Task AskStreamingAsync_NothingFound_YieldsNotFoundTextThenCompleted()
    {
        var chat = new RecordingChatClient("unused");
        var pipeline = new RagPipeline(new FixedRetriever(), chat);

        List<RagUpdate> updates = [];
        await foreach (RagUpdate update in pipeline.AskStreamingAsync("q"))
        {
            updates.Add(update);
        }

        Assert.Empty(chat.Calls);
        Assert.Equal([RagUpdateKind.TextDelta, RagUpdateKind.Completed], updates.Select(u => u.Kind));
        Assert.Equal(RagPipelineOptions.DefaultNotFoundAnswer, updates[0].Text);
        Assert.True(updates[1].Answer!.NothingFound);
    }

    [Fact]
    public async Task AskAsync_BadInput_ThrowsNamingTheProblem()
    {
        var pipeline = new RagPipeline(new FixedRetriever(s_chunks), new RecordingChatClient("x"));

        await Assert.ThrowsAsync<ArgumentException>(() => pipeline.AskAsync(" "));
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => pipeline.AskAsync("q", new RagOptions { Top = 0 }));
        Assert.Equal("RagOptions.Top", error.ParamName);
        var ctor = Assert.Throws<ArgumentOutOfRangeException>(() => new RagPipeline(new FixedRetriever(), new RecordingChatClient(), new RagPipelineOptions { MaxContextTokens = 0 }));
        Assert.Equal("MaxContextTokens", ctor.ParamName);
    }

    [Fact]
    public void ApproximatePromptTokenCounter_Texts_CountsAtLeastWordsAndQuarterLength()
    {
        var counter = ApproximatePromptTokenCounter.Instance;

        Assert.Equal(0, counter.CountTokens(""));
        Assert.Equal(4, counter.CountTokens("a b c d"));             // 4 words > 7/4
        Assert.Equal(5, counter.CountTokens("internationalization")); // ceil(20 chars / 4) > 1 word
        Assert.Equal(3, counter.CountTokens("a.b"));                   // 2 words + 1 punctuation > 1
    }

    private sealed class OneTokenPerSource : IPromptTokenCounter
    {
        public int CountTokens(string text) => 1;
    }
}
