using System.CommandLine;
using LlamaDb.Cli.Commands;

namespace LlamaDb.Cli;

/// <summary>The <c>llamadb</c> command line.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("LlamaDb: local embeddings, an embedded vector store and RAG for .NET.");
        root.Options.Add(CliErrors.VerboseOption);
        root.Subcommands.Add(EmbedCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());

        ParseResult parsed = root.Parse(args);
        return await parsed.InvokeAsync().ConfigureAwait(false);
    }
}
