using Microsoft.Extensions.AI;

namespace LlamaDb.Retrieval.Tests.Chunking;

public sealed class ChunkerTests
{
    private static Document Doc(string text) => new("d", "d.md", text);

    [Fact]
    public void TokenEstimator_Words_PunctuationAndControls_CountAsDocumented()
    {
        var estimator = new TokenEstimator();
        Assert.Equal(0, estimator.CountTokens("  \n"));
        Assert.Equal(1, estimator.CountTokens("cat"));
        Assert.Equal(3, estimator.CountTokens("retrieval")); // 9 chars / 4 -> 3
        Assert.Equal(3, estimator.CountTokens("a, b"));
        Assert.Equal(2, estimator.CountTokens("中文"));
        Assert.Equal(1, estimator.CountTokens("a\u0000"));
        IReadOnlyList<TokenSpan> spans = estimator.GetTokenSpans("hi, you");
        Assert.Equal([new TokenSpan(0, 2, 1), new TokenSpan(2, 3, 1), new TokenSpan(4, 7, 1)], spans);
    }

    [Fact]
    public void TokenCounterCreate_DelegatesCountsPerSpan()
    {
        ITokenCounter counter = TokenCounter.Create(text => text.Length);
        Assert.Equal(7, counter.CountTokens("hi, you"));
        Assert.Equal([new TokenSpan(0, 2, 2), new TokenSpan(2, 3, 1), new TokenSpan(4, 7, 3)], counter.GetTokenSpans("hi, you"));
    }

    [Fact]
    public async Task TokenWindowChunker_Overlap_RepeatsTheLastTokensOfTheWindowBefore()
    {
        var chunker = new TokenWindowChunker(new ChunkerOptions { MaxTokens = 4, OverlapTokens = 2 });
        IReadOnlyList<Chunk> chunks = await chunker.ChunkAsync(Doc("a b c d e f g h"));
        Assert.Equal(["a b c d", "c d e f", "e f g h"], chunks.Select(c => c.Text));
        Assert.All(chunks, c => Assert.Equal(4, c.TokenCount));
    }

    [Fact]
    public async Task TokenWindowChunker_WordLongerThanLimit_IsCut()
    {
        var chunker = new TokenWindowChunker(new ChunkerOptions { MaxTokens = 2, OverlapTokens = 0 });
        IReadOnlyList<Chunk> chunks = await chunker.ChunkAsync(Doc("abcdefghijkl"));
        Assert.Equal(["abcdefgh", "ijkl"], chunks.Select(c => c.Text));
    }

    [Fact]
    public async Task SentenceChunker_PacksWholeSentences()
    {
        var chunker = new SentenceChunker(new ChunkerOptions { MaxTokens = 9 });
        IReadOnlyList<Chunk> chunks = await chunker.ChunkAsync(Doc("One two three. Four five six. Seven eight nine? Ten."));
        Assert.Equal(["One two three. Four five six.", "Seven eight nine? Ten."], chunks.Select(c => c.Text));
    }

    [Fact]
    public async Task SentenceChunker_AbbreviationBeforeLowerCase_IsNotASentenceEnd()
    {
        var chunker = new SentenceChunker(new ChunkerOptions { MaxTokens = 8 });
        IReadOnlyList<Chunk> chunks = await chunker.ChunkAsync(Doc("Use e.g. this one. Then stop."));
        Assert.Equal(["Use e.g. this one.", "Then stop."], chunks.Select(c => c.Text));
    }

    [Fact]
    public async Task RecursiveChunker_PrefersParagraphsThenLines()
    {
        var chunker = new RecursiveChunker(new ChunkerOptions { MaxTokens = 6 });
        IReadOnlyList<Chunk> chunks = await chunker.ChunkAsync(Doc("aa bb cc\ndd ee\n\nff gg hh ii jj kk ll"));
        Assert.Equal(["aa bb cc\ndd ee", "ff gg hh ii jj kk", "ll"], chunks.Select(c => c.Text));
    }

    [Fact]
    public async Task MarkdownChunker_Headings_BecomeThePathAndStartChunks()
    {
        const string markdown = "# Guide\n\nIntro text.\n\n## Install\n\nRun it.\n\n### Linux\n\nUse apt.\n\n## Use\n\nCall it.\n";
        IReadOnlyList<Chunk> chunks = await new MarkdownChunker(new ChunkerOptions { MaxTokens = 100 }).ChunkAsync(Doc(markdown));
        Assert.Equal(["# Guide\n\nIntro text.", "## Install\n\nRun it.", "### Linux\n\nUse apt.", "## Use\n\nCall it."], chunks.Select(c => c.Text));
        Assert.Equal(["Guide", "Guide > Install", "Guide > Install > Linux", "Guide > Use"], chunks.Select(c => c.HeadingPath));
    }

    [Fact]
    public async Task MarkdownChunker_HeadingBeforeABlockOverLimit_GoesWithItsFirstPiece()
    {
        // "# Title" is 3 tokens, each sentence 4: the heading and the whole paragraph (15) do not fit in 8.
        const string markdown = "# Title\n\nAa bb cc. Dd ee ff. Gg hh ii.\n";
        IReadOnlyList<Chunk> chunks = await new MarkdownChunker(new ChunkerOptions { MaxTokens = 8 }).ChunkAsync(Doc(markdown));
        Assert.Equal(["# Title\n\nAa bb cc.", "Dd ee ff. Gg hh ii."], chunks.Select(c => c.Text));
        Assert.All(chunks, c => Assert.Equal("Title", c.HeadingPath));
        Assert.All(chunks, c => Assert.Equal(markdown[c.StartOffset..c.EndOffset], c.Text));
    }

    [Fact]
    public async Task MarkdownChunker_HeadingBeforeABlockThatFillsTheLimit_GoesWithItsFirstPiece()
    {
        // The paragraph alone is exactly 8 tokens: it fits alone but not with the heading.
        const string markdown = "# Title\n\nAa bb cc. Dd ee ff.\n\n## Next\n\nGg.\n";
        IReadOnlyList<Chunk> chunks = await new MarkdownChunker(new ChunkerOptions { MaxTokens = 8 }).ChunkAsync(Doc(markdown));
        Assert.Equal(["# Title\n\nAa bb cc.", "Dd ee ff.", "## Next\n\nGg."], chunks.Select(c => c.Text));
    }

    [Fact]
    public async Task MarkdownChunker_HeadingRightBeforeASubheading_SharesItsChunk()
    {
        const string markdown = "# Guide\n\n## Install\n\nRun it.\n";
        IReadOnlyList<Chunk> chunks = await new MarkdownChunker(new ChunkerOptions { MaxTokens = 100 }).ChunkAsync(Doc(markdown));
        Chunk chunk = Assert.Single(chunks);
        Assert.Equal("# Guide\n\n## Install\n\nRun it.", chunk.Text);
        Assert.Equal("Guide > Install", chunk.HeadingPath);
    }

    [Fact]
    public async Task MarkdownChunker_CodeBlockAndTable_StayWholeWhenTheyFit()
    {
        string code = "```\nline one\nline two\nline three\n```";
        string table = "| a | b |\n|---|---|\n| 1 | 2 |";
        string markdown = $"# T\n\nSome words here.\n\n{code}\n\n{table}\n";
        var chunker = new MarkdownChunker(new ChunkerOptions { MaxTokens = 20 });
        IReadOnlyList<Chunk> chunks = await chunker.ChunkAsync(Doc(markdown));
        Assert.Contains(chunks, c => c.Text.Contains(code, StringComparison.Ordinal));
        Assert.Contains(chunks, c => c.Text.Contains(table, StringComparison.Ordinal));
        Assert.All(chunks, c => Assert.Equal("T", c.HeadingPath));
    }

    [Fact]
    public async Task MarkdownChunker_CodeBlockOverLimit_IsCutBetweenLines()
    {
        string markdown = "```\nalpha beta\ngamma delta\nepsilon zeta\n```\n";
        IReadOnlyList<Chunk> chunks = await new MarkdownChunker(new ChunkerOptions { MaxTokens = 6 }).ChunkAsync(Doc(markdown));
        Assert.Equal(["```\nalpha beta", "gamma delta", "epsilon zeta\n```"], chunks.Select(c => c.Text));
    }

    [Fact]
    public async Task SemanticChunker_TopicShift_StartsANewChunk()
    {
        const string text = "Cats purr and cats sleep. Cats purr softly and sleep. Rockets launch into orbit fast. Rockets orbit and launch fast.";
        var generator = new TestEmbeddingGenerator(64);
        var chunker = new SemanticChunker(generator, new SemanticChunkerOptions { BreakpointPercentile = 50 });
        IReadOnlyList<Chunk> chunks = await chunker.ChunkAsync(Doc(text));
        Assert.Equal(["Cats purr and cats sleep. Cats purr softly and sleep.", "Rockets launch into orbit fast. Rockets orbit and launch fast."], chunks.Select(c => c.Text));
        Assert.Equal(4, generator.Inputs.Count);
    }

    [Fact]
    public void SemanticChunker_Cosine_ZeroVectorIsZeroNotNaN()
    {
        Assert.Equal(0, SemanticChunker.Cosine([0f, 0f], [1f, 0f]));
        Assert.Equal(0, SemanticChunker.Cosine([0f, 0f], [0f, 0f]));
        Assert.Equal(1, SemanticChunker.Cosine([2f, 0f], [1f, 0f]), 12);
    }

    [Fact]
    public async Task SemanticChunker_ZeroEmbeddings_SplitWhereTheRealOnesDo()
    {
        // "Zero here." embeds to a zero vector: it is unrelated to both neighbours (distance 1, never NaN), so it stands alone.
        const string text = "Cats purr. Cats nap. Zero here. Cats sleep.";
        var chunker = new SemanticChunker(new ZeroForGenerator("Zero"), new SemanticChunkerOptions { BreakpointPercentile = 0 });
        IReadOnlyList<Chunk> chunks = await chunker.ChunkAsync(Doc(text));
        Assert.Equal(["Cats purr. Cats nap.", "Zero here.", "Cats sleep."], chunks.Select(c => c.Text));
    }

    [Theory]
    [InlineData("Привет мир, как дела сегодня", 24)]
    [InlineData("Ελληνικά γλώσσα", 14)]
    [InlineData("مرحبا بالعالم", 12)]
    [InlineData("日本語のテキスト", 8)]
    [InlineData("3f9a2c1b7e4d 0x7fffab12 1234567890123 a1b2c3d4e5", 35)]
    [InlineData("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", 54)]
    public void TokenEstimator_NonLatinAndHexText_CountsAtLeastTheWordPieceTokens(string text, int wordPieceTokens)
    {
        // wordPieceTokens: all-MiniLM-L6-v2's uncased WordPiece count without [CLS]/[SEP] (greedy longest match on its vocab.txt).
        Assert.InRange(TokenEstimator.Default.CountTokens(text), wordPieceTokens, wordPieceTokens * 2);
    }

    [Fact]
    public void ChunkerOptions_DefaultMaxTokens_FitsMiniLmWithSpecialTokens()
    {
        Assert.Equal(254, new ChunkerOptions().MaxTokens);
    }

    [Fact]
    public void SemanticChunker_Percentile_InterpolatesLinearly()
    {
        Assert.Equal(2.5, SemanticChunker.Percentile([4, 1, 3, 2], 50), 12);
        Assert.Equal(4, SemanticChunker.Percentile([4, 1, 3, 2], 100), 12);
        Assert.Equal(1, SemanticChunker.Percentile([4, 1, 3, 2], 0), 12);
        Assert.Equal(3.85, SemanticChunker.Percentile([4, 1, 3, 2], 95), 12);
    }

    [Fact]
    public async Task Chunkers_EmptyText_ReturnNoChunks()
    {
        Assert.Empty(await new RecursiveChunker().ChunkAsync(Doc(string.Empty)));
        Assert.Empty(await new MarkdownChunker().ChunkAsync(Doc("  \n\n ")));
        Assert.Empty(await new TokenWindowChunker().ChunkAsync(Doc(string.Empty)));
        Assert.Empty(await new SemanticChunker(new TestEmbeddingGenerator(8)).ChunkAsync(Doc(" ")));
    }

    [Fact]
    public void ChunkerOptions_Invalid_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecursiveChunker(new ChunkerOptions { MaxTokens = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenWindowChunker(new ChunkerOptions { MaxTokens = 4, OverlapTokens = 4 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SemanticChunker(new TestEmbeddingGenerator(8), new SemanticChunkerOptions { BreakpointPercentile = 101 }));
    }

    /// <summary>Texts containing a marker embed to a zero vector; others to the same unit vector.</summary>
    private sealed class ZeroForGenerator(string marker) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(v.Contains(marker, StringComparison.Ordinal) ? new float[] { 0f, 0f } : new float[] { 1f, 0f }))));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
