using System.Diagnostics;
using System.Text.RegularExpressions;

namespace LlamaDb.Tests;

/// <summary>
/// A real PostgreSQL (PGlite: PostgreSQL compiled to WebAssembly, with pgvector) serving the wire protocol on 127.0.0.1,
/// started as a child process from scripts/pglite/server.mjs (installed by scripts/install-pglite.sh). One connection at
/// a time: clients use a pool of one. The server stops when this object is disposed or when the test process dies
/// (it exits when its stdin closes).
/// </summary>
internal sealed partial class PgliteServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private PgliteServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>A connection string for it (pool of one, no TLS: PGlite's socket server speaks plain TCP).</summary>
    public string ConnectionString =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Password=postgres;Database=postgres;SSL Mode=Disable;Maximum Pool Size=1;Timeout=60;Command Timeout=300";

    /// <summary>The server script (installed into .cache/pglite by scripts/install-pglite.sh).</summary>
    public static string ScriptPath => Path.Combine(TestPaths.RepositoryRoot, ".cache", "pglite", "server.mjs");

    /// <summary>Starts a server with an in-memory database; <paramref name="withVector"/> false leaves pgvector out.</summary>
    public static async Task<PgliteServer> StartAsync(bool withVector = true, string? dataDirectory = null, int port = 0)
    {
        if (!File.Exists(ScriptPath))
        {
            throw new InvalidOperationException($"PGlite is not installed ({ScriptPath} is missing); run: bash scripts/install-pglite.sh");
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(ScriptPath)!, // a file path has a folder
        };
        start.ArgumentList.Add(ScriptPath);
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!withVector)
        {
            start.ArgumentList.Add("--no-vector");
        }

        if (dataDirectory is not null)
        {
            start.ArgumentList.Add("--data");
            start.ArgumentList.Add(dataDirectory);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node for PGlite.");
        var stderr = new List<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.Add(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();

        // Bounded: the server prints its port within seconds; a minute covers a loaded CI machine.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            while (true)
            {
                string? line = await process.StandardOutput.ReadLineAsync(timeout.Token);
                if (line is null)
                {
                    break;
                }

                Match match = ListeningLine().Match(line);
                if (match.Success)
                {
                    var server = new PgliteServer(process, int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
                    _ = server.DrainAsync();
                    return server;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        string errors;
        lock (stderr)
        {
            errors = string.Join('\n', stderr);
        }

        throw new InvalidOperationException($"PGlite did not start: {errors}");
    }

    /// <summary>Kills the server process at once (no shutdown), as a crash would.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.StandardInput.Close(); // the server stops cleanly when stdin closes
            }
            catch (IOException)
            {
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }

    private async Task DrainAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (_output)
                {
                    _output.Add(line);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    [GeneratedRegex(@"^pglite listening 127\.0\.0\.1:(\d+)$")]
    private static partial Regex ListeningLine();
}
