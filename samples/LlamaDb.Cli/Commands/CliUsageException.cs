namespace LlamaDb.Cli.Commands;

/// <summary>
/// A mistake in how the command was called or set up (a missing API key, endpoint or option). Its message is the whole
/// story, so <see cref="CliErrors"/> prints it as one line, without the <c>--verbose</c> hint.
/// </summary>
internal sealed class CliUsageException : Exception
{
    public CliUsageException()
    {
    }

    public CliUsageException(string message)
        : base(message)
    {
    }

    public CliUsageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
