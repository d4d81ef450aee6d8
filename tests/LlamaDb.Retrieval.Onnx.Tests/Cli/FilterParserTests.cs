using System.Linq.Expressions;
using LlamaDb.Cli.Filtering;

namespace LlamaDb.Retrieval.Onnx.Tests.Cli;

public sealed class FilterParserTests
{
    private static readonly ChunkRecord[] s_records =
    [
        new() { Id = "a#0", DocumentId = "docs/a.md", Source = "docs/a.md", ChunkIndex = 0, Title = "A", Text = "alpha beta" },
        new() { Id = "a#1", DocumentId = "docs/a.md", Source = "docs/a.md", ChunkIndex = 1, Title = "A", Text = "gamma" },
        new() { Id = "b#0", DocumentId = "docs/b.md", Source = "docs/b.md", ChunkIndex = 0, Title = null, Text = "delta alpha" },
        new() { Id = "x#4", DocumentId = "x", Source = "notes/x.txt", ChunkIndex = 4, Title = "X", Text = "epsilon" },
    ];

    [Theory]
    [InlineData("source == \"docs/a.md\"", "a#0,a#1")]
    [InlineData("documentId != \"x\"", "a#0,a#1,b#0")]
    [InlineData("source in [\"docs/b.md\", 'notes/x.txt']", "b#0,x#4")]
    [InlineData("source not in [\"docs/b.md\"]", "a#0,a#1,x#4")]
    [InlineData("chunkIndex >= 1 and chunkIndex < 4", "a#1")]
    [InlineData("chunkIndex in [0, 4]", "a#0,b#0,x#4")]
    [InlineData("not (source == \"docs/a.md\") or chunkIndex == 1", "a#1,b#0,x#4")]
    [InlineData("SOURCE == \"docs/a.md\" AND NOT chunkindex > 0", "a#0")]
    [InlineData("(source == \"docs/a.md\" || source == \"docs/b.md\") && text contains \"alpha\"", "a#0,b#0")]
    [InlineData("!(title == \"A\")", "b#0,x#4")]
    [InlineData("source == \"say \\\"hi\\\"\"", "")]
    public void Parse_ValidExpression_SelectsTheMatchingRecords(string filter, string expected)
    {
        Expression<Func<ChunkRecord, bool>> expression = FilterParser.Parse(filter);

        Func<ChunkRecord, bool> predicate = expression.Compile();
        Assert.Equal(expected, string.Join(',', s_records.Where(predicate).Select(r => r.Id)));
    }

    [Fact]
    public void Parse_In_BuildsEnumerableContainsOverAConstantArray()
    {
        Expression<Func<ChunkRecord, bool>> expression = FilterParser.Parse("source in [\"a\", \"b\"]");

        var call = Assert.IsAssignableFrom<MethodCallExpression>(expression.Body);
        Assert.Equal(typeof(Enumerable), call.Method.DeclaringType);
        Assert.Equal(new[] { "a", "b" }, Assert.IsType<ConstantExpression>(call.Arguments[0]).Value);
    }

    [Theory]
    [InlineData("source = \"a\"", "'='")]
    [InlineData("sauce == \"a\"", "'sauce'")]
    [InlineData("source == a", "'a' at position 11")]
    [InlineData("source == \"a", "not closed")]
    [InlineData("source == \"a\" and", "the end of the filter")]
    [InlineData("source == \"a\" extra", "'extra'")]
    [InlineData("(source == \"a\"", "the end of the filter")]
    [InlineData("source > \"a\"", "'>'")]
    [InlineData("chunkIndex == \"one\"", "'\"one\"'")]
    [InlineData("chunkIndex contains \"1\"", "'contains'")]
    [InlineData("source in \"a\"", "'\"a\"'")]
    [InlineData("source in [\"a\" \"b\"]", "'\"b\"'")]
    [InlineData("source ~ \"a\"", "'~'")]
    [InlineData("", "the end of the filter")]
    public void Parse_InvalidExpression_ThrowsNamingTheBadToken(string filter, string named)
    {
        FilterSyntaxException ex = Assert.Throws<FilterSyntaxException>(() => FilterParser.Parse(filter));

        Assert.StartsWith("Invalid --filter:", ex.Message, StringComparison.Ordinal);
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Parse_NestingAtTheLimit_Parses()
    {
        string filter = new string('(', FilterParser.MaxNesting) + "source == \"a\"" + new string(')', FilterParser.MaxNesting);

        Assert.NotNull(FilterParser.Parse(filter));
    }

    [Theory]
    [InlineData("(", ")")]
    [InlineData("not ", "")]
    public void Parse_NestingBeyondTheLimit_ThrowsNamingTheLimit(string open, string close)
    {
        int depth = 100_000; // without the limit this overflows the stack
        string filter = string.Concat(Enumerable.Repeat(open, depth)) + "source == \"a\"" + string.Concat(Enumerable.Repeat(close, depth));

        FilterSyntaxException ex = Assert.Throws<FilterSyntaxException>(() => FilterParser.Parse(filter));

        Assert.Contains($"{FilterParser.MaxNesting} levels", ex.Message, StringComparison.Ordinal);
    }
}
