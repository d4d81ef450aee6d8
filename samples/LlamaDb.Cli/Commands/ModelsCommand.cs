using System.CommandLine;

namespace LlamaDb.Cli.Commands;

/// <summary><c>llamadb models</c>: download and list models. Wired to the downloader once it lands.</summary>
internal static class ModelsCommand
{
    public static Command Create() => new("models", "Download (pull) and list models.");
}
