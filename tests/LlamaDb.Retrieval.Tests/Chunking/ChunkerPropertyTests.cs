using FsCheck;
using FsCheck.Fluent;

namespace LlamaDb.Retrieval.Tests.Chunking;

/// <summary>FsCheck properties every chunker keeps on arbitrary text: offsets, coverage, token limit, order.</summary>
public sealed class ChunkerPropertyTests
{
    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(200);

    private static readonly string[] s_fragments =
    [
        "The cat sat on the mat. ", "Is it? ", "Yes! ", "e.g. this one. ", "Dr. Smith went home.", "\n", "\n\n", "\r\n", "\r\n\r\n",
        " ", "  ", "\t", "# Title\n", "## Sub heading\n", "### Deep\n", "```\ncode line\n  more code\n```\n", "```\n", "| a | b |\n|---|---|\n| 1 | 2 |\n",
        "- item one\n", "1. first\n", "> quoted text\n", "---\ntitle: x\n---\n", "word", "retrieval", "chunking", new string('x', 150),
        "中文句子。", "🙂", "\uD800", "\u0000", "\u200B", "naïve", "3.50", "(see [1]).", "\"Quoted.\" Next", "…", "---\n",
    ];

    private static readonly Gen<string> s_text = Gen.ArrayOf(Gen.OneOf(
            Gen.Elements(s_fragments),
            Gen.Choose(0x20, 0x7E).Select(c => ((char)c).ToString()),
            Gen.Choose(0, 0xFFFF).Select(c => ((char)c).ToString())))
        .Select(parts => string.Concat(parts));

    private static readonly Gen<int> s_maxTokens = Gen.Elements(1, 2, 3, 5, 8, 16, 64);

    public static TheoryData<string> Chunkers => new() { "token", "sentence", "recursive", "markdown", "semantic" };

    private static IChunker Create(string name, int maxTokens, int overlap)
    {
        var options = new ChunkerOptions { MaxTokens = maxTokens, OverlapTokens = Math.Min(overlap, maxTokens - 1) };
        return name switch
        {
            "token" => new TokenWindowChunker(options),
            "sentence" => new SentenceChunker(options),
            "recursive" => new RecursiveChunker(options),
            "markdown" => new MarkdownChunker(options),
            _ => new SemanticChunker(new TestEmbeddingGenerator(16), new SemanticChunkerOptions { Chunking = options, BreakpointPercentile = 70 }),
        };
    }

    [Theory]
    [MemberData(nameof(Chunkers))]
    public void Chunks_ArbitraryText_AreExactSubstringsWithinLimitCoveringAllText(string name)
    {
        Check.One(s_config, Prop.ForAll(Arb.From(s_text), Arb.From(s_maxTokens), Arb.From(Gen.Choose(0, 8)), (text, maxTokens, overlap) =>
        {
            var document = new Document("doc", "doc.md", text);
            IChunker chunker = Create(name, maxTokens, overlap);
            IReadOnlyList<Chunk> chunks = chunker.ChunkAsync(document).GetAwaiter().GetResult();
            var covered = new bool[text.Length];
            for (int i = 0; i < chunks.Count; i++)
            {
                Chunk chunk = chunks[i];
                Assert.Equal("doc", chunk.DocumentId);
                Assert.Equal(i, chunk.Index);
                Assert.InRange(chunk.StartOffset, 0, chunk.EndOffset - 1);
                Assert.InRange(chunk.EndOffset, 1, text.Length);
                Assert.Equal(text[chunk.StartOffset..chunk.EndOffset], chunk.Text);
                Assert.False(char.IsWhiteSpace(chunk.Text[0]) || char.IsWhiteSpace(chunk.Text[^1]), "chunks are trimmed");
                Assert.Equal(TokenEstimator.Default.CountTokens(chunk.Text), chunk.TokenCount);
                Assert.True(chunk.TokenCount <= maxTokens, $"{name}: chunk {i} has {chunk.TokenCount} tokens, over {maxTokens}");
                if (i > 0)
                {
                    Assert.True(chunk.StartOffset > chunks[i - 1].StartOffset, "chunks are in document order");
                    if (name != "token")
                    {
                        Assert.True(chunk.StartOffset >= chunks[i - 1].EndOffset, "only token windows overlap");
                    }
                }

                for (int c = chunk.StartOffset; c < chunk.EndOffset; c++)
                {
                    covered[c] = true;
                }
            }

            for (int c = 0; c < text.Length; c++)
            {
                Assert.True(covered[c] || char.IsWhiteSpace(text[c]), $"{name}: character {c} (U+{(int)text[c]:X4}) is in no chunk");
            }
        }));
    }
}
