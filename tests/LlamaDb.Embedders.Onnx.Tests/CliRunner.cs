using System.Diagnostics;
using System.Reflection;

namespace LlamaDb.Embedders.Onnx.Tests;

/// <summary>Runs the built <c>llamadb</c> CLI (samples/LlamaDb.Cli) as a child process.</summary>
internal static class CliRunner
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

    public static (int ExitCode, string Stdout, string Stderr) RunAll(
        string[] args, IDictionary<string, string?>? environment = null, string? workingDirectory = null, string? assembly = null, string[]? extraArgs = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        start.ArgumentList.Add(assembly ?? CliAssembly);
        foreach (string arg in (string[])[.. args, .. extraArgs ?? []])
        {
            start.ArgumentList.Add(arg);
        }

        if (environment is not null)
        {
            foreach ((string key, string? value) in environment)
            {
                if (value is null)
                {
                    start.Environment.Remove(key);
                }
                else
                {
                    start.Environment[key] = value;
                }
            }
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>
    /// llamadb.dll in the CLI's own build output (its path is stamped into this assembly at build time), so it runs with
    /// its own deps.json and every assembly it was built with.
    /// </summary>
    private static string CliAssembly
    {
        get
        {
            string? path = typeof(CliRunner).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "LlamaDbCliPath")?.Value;
            Assert.False(string.IsNullOrEmpty(path), "The LlamaDbCliPath assembly attribute is missing; build the tests with their project file.");
            Assert.True(File.Exists(path), $"llamadb.dll not found at '{path}'.");
            return path;
        }
    }
}
