using System.Diagnostics;

namespace LlamaDb.Connectors.Hnsw.Tests.Storage;

/// <summary>Starts tests/LlamaDb.Connectors.Hnsw.CrashHost (copied to crashhost/ beside the tests) as a child process.</summary>
internal static class CrashHostProcess
{
    public static Process Start(params string[] arguments)
    {
        string hostDll = Path.Combine(AppContext.BaseDirectory, "crashhost", "LlamaDb.Connectors.Hnsw.CrashHost.dll");
        Assert.True(File.Exists(hostDll), $"The crash host was not built to '{hostDll}'.");

        // The dotnet CLI tells child processes which host it is; fall back to the one on PATH.
        string? dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        var start = new ProcessStartInfo(string.IsNullOrEmpty(dotnet) ? "dotnet" : dotnet)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(hostDll);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("The crash host did not start.");
        process.ErrorDataReceived += (_, _) => { }; // drained so the child never blocks on a full stderr pipe
        process.BeginErrorReadLine();
        return process;
    }
}
