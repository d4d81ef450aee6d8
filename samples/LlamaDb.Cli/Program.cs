using System.CommandLine;
using LlamaDb.Cli.Commands;

namespace LlamaDb.Cli;

/// <summary>The <c>llamadb</c> command line.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (Console.IsOutputRedirected)
        {
            // Piped or captured output: plain text, no colors or cursor moves, and wide enough for tables.
            Spectre.Console.AnsiConsole.Console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
            {
                Ansi = Spectre.Console.AnsiSupport.No,
                ColorSystem = Spectre.Console.ColorSystemSupport.NoColors,
                Interactive = Spectre.Console.InteractionSupport.No,
                Out = new Spectre.Console.AnsiConsoleOutput(Console.Out),
            });
            Spectre.Console.AnsiConsole.Profile.Width = 160;
        }

        var root = new RootCommand("LlamaDb: local embeddings, an embedded vector store and RAG for .NET.");
        root.Options.Add(CliErrors.VerboseOption);
        root.Options.Add(Settings.CliSettings.SettingsOption);
        root.Subcommands.Add(EmbedCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(IngestCommand.Create());
        root.Subcommands.Add(SearchCommand.Create());
        root.Subcommands.Add(AskCommand.Create());
        root.Subcommands.Add(CollectionsCommand.Create());
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // One line, like every other failure, instead of System.CommandLine's errors followed by the help text.
            string errors = string.Join("; ", parsed.Errors.Select(e => e.Message.ReplaceLineEndings(" ").Trim()));
            await Console.Error.WriteLineAsync($"llamadb: error: {errors} (see 'llamadb {parsed.CommandResult.Command.Name} --help')").ConfigureAwait(false);
            return 1;
        }

        return await parsed.InvokeAsync().ConfigureAwait(false);
    }
}
