using LlamaDb.Embedders.Onnx.Tests;

namespace LlamaDb.Retrieval.Onnx.Tests.Cli;

/// <summary>Command-line mistakes the parser catches: one <c>llamadb: error:</c> line on stderr and exit code 1, no help text.</summary>
public sealed class CliParseErrorTests
{
    [Theory]
    [InlineData("search", "q", "--no-such-option")]
    [InlineData("search", "q", "--mode", "sideways")]
    public void Run_ParseError_IsOneErrorLineAndExitCode1(params string[] args)
    {
        (int exitCode, string stdout, string stderr) = CliRunner.RunAll(args);

        Assert.Equal(1, exitCode);
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"Expected one stderr line, got:\n{stderr}");
        Assert.StartsWith("llamadb: error: ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Usage:", stdout + stderr, StringComparison.Ordinal);
    }
}
