using System.CommandLine;
using LlamaDb.Embedders;
using LlamaDb.Server.Stores;
using LlamaDb.VectorData;

namespace LlamaDb.Cli.Commands;

/// <summary>One clear error line and a non-zero exit code; <c>--verbose</c> adds the detail.</summary>
internal static class CliErrors
{
    public static readonly Option<bool> VerboseOption = new("--verbose", "-v")
    {
        Description = "Show error details (exception types and stack traces).",
        Recursive = true,
    };

    /// <summary>Runs <paramref name="action"/>, turning exceptions into one line on stderr and exit code 1.</summary>
    public static async Task<int> RunAsync(ParseResult parseResult, Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("llamadb: canceled.").ConfigureAwait(false);
            return 130;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            bool verbose = parseResult.GetValue(VerboseOption);
            // A postgres: store's connection string may reach a message: its password never reaches the screen.
            string message = StoreSpec.Redact(ex.Message.ReplaceLineEndings(" ").Trim());
            await Console.Error.WriteLineAsync($"llamadb: error: {message}").ConfigureAwait(false);
            if (verbose)
            {
                await Console.Error.WriteLineAsync(StoreSpec.Redact(ex.ToString())).ConfigureAwait(false);
            }
            else if (ex is not (CliUsageException or EmbeddingProviderException or Filtering.FilterSyntaxException or LlamaDb.Chat.OpenAI.ChatProviderException
                or StoreException or VectorStoreException))
            {
                // Usage mistakes, provider refusals and store failures (which name the store, the operation and the
                // cause) say everything in their one line; other failures may hide the real cause in an inner exception.
                await Console.Error.WriteLineAsync("(run with --verbose for details)").ConfigureAwait(false);
            }

            return 1;
        }
    }
}
