using System.Collections;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace LlamaDb.Server.Tests.Infrastructure;

/// <summary>
/// <c>llamadb serve</c> as a child process (the CLI's own build output, run with <c>dotnet</c>): its address is read from
/// the <c>llamadb: listening on ...</c> line it prints, and it is stopped the way a service manager stops it, with SIGTERM.
/// </summary>
public sealed partial class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _stdout;
    private readonly Task _stderr;

    private ServeProcess(Process process)
    {
        _process = process;
        _stdout = PumpAsync(process.StandardOutput, watchForAddress: true);
        _stderr = PumpAsync(process.StandardError, watchForAddress: false);
    }

    /// <summary>The address the server bound (the real port, when started with port 0).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Everything the process wrote so far, stdout and stderr interleaved by line.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <c>llamadb serve</c> with <paramref name="args"/> in <paramref name="workingDirectory"/> and waits (at most
    /// <paramref name="timeout"/>) until it prints the address it listens on. The child gets no <c>LLAMADB_*</c> or
    /// <c>LlamaDb__*</c> variable from this machine; <paramref name="environment"/> adds (or, with null, removes) more.
    /// </summary>
    public static async Task<ServeProcess> StartAsync(string[] args, string workingDirectory, TimeSpan timeout, IDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // never reads the test runner's stdin
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(CliAssembly);
        start.ArgumentList.Add("serve");
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (string key in CleanedVariables())
        {
            start.Environment.Remove(key);
        }

        foreach ((string key, string? value) in environment ?? new Dictionary<string, string?>())
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

        var serve = new ServeProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."));
        try
        {
            serve.BaseAddress = await serve._listening.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            await serve.DisposeAsync();
            Assert.Fail($"llamadb serve printed no 'llamadb: listening on' line within {timeout.TotalSeconds:0} s. Output:\n{serve.Output}");
        }
        catch (InvalidOperationException ex)
        {
            await serve.DisposeAsync();
            Assert.Fail(ex.Message);
        }

        return serve;
    }

    /// <summary>Sends SIGTERM and waits (at most <paramref name="timeout"/>) for the process to exit; returns its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (SendSignal(_process.Id, Sigterm) != 0)
        {
            Assert.Fail($"kill({_process.Id}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}.");
        }

        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"llamadb serve did not exit within {timeout.TotalSeconds:0} s of SIGTERM. Output:\n{Output}");
        }

        // Exited: the pipes are at their end, so the pumps finish.
        await Task.WhenAll(_stdout, _stderr);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true); // a test that failed before stopping it
            await _process.WaitForExitAsync();
        }

        await Task.WhenAll(_stdout, _stderr);
        _process.Dispose();
    }

    private async Task PumpAsync(StreamReader reader, bool watchForAddress)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }

            if (watchForAddress && ListeningLine().Match(line) is { Success: true } match)
            {
                _listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        }

        if (watchForAddress)
        {
            // Output ended before an address: the process exited (or closed stdout) without listening.
            _listening.TrySetException(new InvalidOperationException($"llamadb serve stopped before it listened. Output:\n{Output}"));
        }
    }

    /// <summary>Names of the variables a caller's machine could use to configure the server, so the child gets none of them.</summary>
    private static IEnumerable<string> CleanedVariables()
    {
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            string key = (string)entry.Key;
            if (key.StartsWith("LLAMADB_", StringComparison.OrdinalIgnoreCase) || key.StartsWith("LlamaDb__", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || key is "DOTNET_URLS" or "AllowedHosts")
            {
                yield return key;
            }
        }
    }

    /// <summary>llamadb.dll in the CLI's own build output (its path is stamped into this assembly at build time).</summary>
    private static string CliAssembly
    {
        get
        {
            string? path = typeof(ServeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "LlamaDbCliPath")?.Value;
            Assert.False(string.IsNullOrEmpty(path), "The LlamaDbCliPath assembly attribute is missing; build the tests with their project file.");
            Assert.True(File.Exists(path), $"llamadb.dll not found at '{path}'.");
            return path;
        }
    }

    private const int Sigterm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);

    [GeneratedRegex(@"^llamadb: listening on (\S+)$")]
    private static partial Regex ListeningLine();
}
