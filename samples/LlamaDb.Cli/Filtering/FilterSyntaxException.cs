namespace LlamaDb.Cli.Filtering;

/// <summary>A <c>--filter</c> expression that does not parse; the message names the bad token and its position.</summary>
internal sealed class FilterSyntaxException : Exception
{
    public FilterSyntaxException()
    {
    }

    public FilterSyntaxException(string message)
        : base(message)
    {
    }

    public FilterSyntaxException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
