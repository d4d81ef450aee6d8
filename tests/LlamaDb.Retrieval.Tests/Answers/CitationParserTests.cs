namespace LlamaDb.Retrieval.Tests.Answers;

public sealed class CitationParserTests
{
    [Theory]
    [InlineData("See [2-4].")]
    [InlineData("See [2 - 4].")]
    [InlineData("See [2 -4].")]
    [InlineData("See [2– 4].")]
    [InlineData("See [ 2 - 4 ].")]
    public void Extract_RangeWithOrWithoutSpaces_ExpandsTheRange(string text)
    {
        Assert.Equal([2, 3, 4], CitationParser.Extract(text, sourceCount: 5));
    }

    [Fact]
    public void Extract_ListWithSpacedRange_KeepsEveryPart()
    {
        Assert.Equal([1, 3, 4, 5], CitationParser.Extract("Both [1, 3 - 5] agree.", sourceCount: 5));
    }
}
