using LlamaDb.Embedders.Onnx.Tokenization;

namespace LlamaDb.Retrieval.Onnx.Tests.Chunking;

public sealed class BertTokenCounterTests
{
    private static string Model => TestPaths.Models("synthetic-embedder-tiny");

    [Theory]
    [InlineData("")]
    [InlineData("unaffable")]
    [InlineData("The quick brown fox jumps over the lazy dog.")]
    [InlineData("naïve café — résumé, don't")]
    public void CountTokens_IsTheTokenizersCountWithoutClsAndSep(string text)
    {
        BertTokenizer tokenizer = BertTokenizer.FromDirectory(Model);
        var counter = new BertTokenCounter(tokenizer);

        Assert.Equal(tokenizer.Encode(text).InputIds.Length - 2, counter.CountTokens(text));
    }

    [Fact]
    public async Task Chunker_WithBertCounter_KeepsEveryChunkWithinTheModelLimit()
    {
        BertTokenCounter counter = BertTokenCounter.FromDirectory(Model);
        string text = string.Join(' ', Enumerable.Range(0, 400).Select(i => $"unaffable{i} tokenization"));
        var chunker = new RecursiveChunker(new ChunkerOptions { MaxTokens = 30, OverlapTokens = 0, TokenCounter = counter });

        IReadOnlyList<Chunk> chunks = await chunker.ChunkAsync(new Document("d", "d", text));

        Assert.True(chunks.Count > 1);
        Assert.All(chunks, c => Assert.InRange(counter.CountTokens(c.Text), 1, 30));
        Assert.All(chunks, c => Assert.InRange(counter.Tokenizer.Encode(c.Text).InputIds.Length, 3, 32));
    }
}
