namespace LlamaDb.Embedders.Onnx.Tests.Runtime;

/// <summary>
/// Resolution failures need a process that has not loaded the library yet, so these run the CLI in a child
/// process with a controlled environment.
/// </summary>
public sealed class LibraryResolutionTests
{
    [Fact]
    public void Resolve_EnvironmentVariableNamesMissingFile_ErrorNamesTheFile()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}", "libonnxruntime.so.1");

        (int exitCode, string stderr) = CliRunner.Run(["info"], new Dictionary<string, string?> { ["LLAMADB_ONNXRUNTIME"] = missing });

        Assert.NotEqual(0, exitCode);
        Assert.Contains(missing, stderr, StringComparison.Ordinal);
        Assert.Contains("LLAMADB_ONNXRUNTIME", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_EnvironmentVariableNamesCachedLibrary_LoadsIt()
    {
        string cached = Path.Combine(TestPaths.RepositoryRoot, ".cache", "onnxruntime", OnnxRuntime.BundledVersion, "libonnxruntime.so.1");

        (int exitCode, string stdout) = CliRunner.RunStdout(["info"], new Dictionary<string, string?> { ["LLAMADB_ONNXRUNTIME"] = cached });

        Assert.Equal(0, exitCode);
        Assert.Contains("onnxruntime: 1.30.0", stdout, StringComparison.Ordinal);
        Assert.Contains(cached, stdout, StringComparison.Ordinal);
    }
}
