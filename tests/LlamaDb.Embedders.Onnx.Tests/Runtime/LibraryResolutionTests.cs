using System.Diagnostics;

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

        (int exitCode, string stderr) = Cli.Run(["info"], new Dictionary<string, string?> { ["LLAMADB_ONNXRUNTIME"] = missing });

        Assert.NotEqual(0, exitCode);
        Assert.Contains(missing, stderr, StringComparison.Ordinal);
        Assert.Contains("LLAMADB_ONNXRUNTIME", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_EnvironmentVariableNamesCachedLibrary_LoadsIt()
    {
        string cached = Path.Combine(TestPaths.RepositoryRoot, ".cache", "onnxruntime", OnnxRuntime.BundledVersion, "libonnxruntime.so.1");

        (int exitCode, string stdout) = Cli.RunStdout(["info"], new Dictionary<string, string?> { ["LLAMADB_ONNXRUNTIME"] = cached });

        Assert.Equal(0, exitCode);
        Assert.Contains("onnxruntime: 1.30.0", stdout, StringComparison.Ordinal);
        Assert.Contains(cached, stdout, StringComparison.Ordinal);
    }
}

/// <summary>Runs the built <c>llamadb</c> CLI (samples/LlamaDb.Cli) as a child process.</summary>
internal static class Cli
{
    public static (int ExitCode, string Stderr) Run(string[] args, IDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        (int exitCode, _, string stderr) = RunAll(args, environment, workingDirectory);
        return (exitCode, stderr);
    }

    public static (int ExitCode, string Stdout) RunStdout(string[] args, IDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        (int exitCode, string stdout, string stderr) = RunAll(args, environment, workingDirectory);
        Assert.True(exitCode == 0, $"llamadb {string.Join(' ', args)} exited {exitCode}: {stderr}");
        return (exitCode, stdout);
    }

    public static (int ExitCode, string Stdout, string Stderr) RunAll(string[] args, IDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        start.ArgumentList.Add(CliAssembly);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (environment is not null)
        {
            foreach ((string key, string? value) in environment)
            {
                start.Environment[key] = value;
            }
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>llamadb.dll, built beside this test assembly by the project reference.</summary>
    private static string CliAssembly
    {
        get
        {
            string path = Path.Combine(AppContext.BaseDirectory, "llamadb.dll");
            Assert.True(File.Exists(path), $"llamadb.dll not found beside the tests at '{path}'.");
            return path;
        }
    }
}
