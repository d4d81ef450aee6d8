using System.Text.Json;
using LlamaDb.Embedders.Onnx.Tests;
using LlamaDb.Server.Tests.Infrastructure;

namespace LlamaDb.Server.Tests;

/// <summary>
/// <c>llamadb serve</c> as its own process with the real ONNX embedder (synthetic-embedder-tiny): found through the
/// address it prints, used over HTTP, stopped with SIGTERM, and its store then read by a second process.
/// </summary>
public sealed class ServeProcessTests : IDisposable
{
    /// <summary>Bounds, not timings: a loaded machine may need them; a healthy run takes a fraction.</summary>
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromMinutes(2);

    private static readonly string s_model = TestPaths.Models("synthetic-embedder-tiny");

    private readonly string _root = Path.Combine(Path.GetTempPath(), "llamadb-serve-process-" + Guid.NewGuid().ToString("N"));

    public ServeProcessTests() => Directory.CreateDirectory(_root);

    [Fact]
    public async Task Serve_IngestSearchThenSigterm_ExitsZeroAndAnotherProcessFindsTheData()
    {
        string store = Path.Combine(_root, "store");
        await using (ServeProcess serve = await ServeProcess.StartAsync(
            ["--store", store, "--model", s_model, "--urls", "http://127.0.0.1:0"], _root, s_startTimeout,
            // Only warnings logged: the address line must not depend on the console logger's "Now listening on".
            new Dictionary<string, string?> { ["Logging__LogLevel__Default"] = "Warning" }))
        {
            Assert.Equal("127.0.0.1", serve.BaseAddress.Host);
            Assert.NotEqual(0, serve.BaseAddress.Port);
            using var http = new HttpClient { BaseAddress = serve.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };

            JsonElement health = await http.GetJsonAsync("/health");
            Assert.Equal("ok", health.GetProperty("status").GetString());
            Assert.Equal("synthetic-embedder-tiny", health.GetProperty("model").GetString());
            Assert.Equal(32, health.GetProperty("dimensions").GetInt32());

            await http.PostJsonAsync("/v1/collections", new { name = "kb" }, 201);
            object[] documents =
            [
                new { source = "durability.md", text = "# Durability\n\nThe write-ahead log makes acknowledged writes durable. The zyxquartz marker lives here." },
                new { source = "cooking.txt", text = "Cooking pasta: boil salted water, add the pasta and drain it after nine minutes." },
            ];
            JsonElement ingested = await http.PostJsonAsync("/v1/collections/kb/documents", new { documents });
            Assert.Equal(2, ingested.GetProperty("documents").GetInt32());
            Assert.Equal(0, ingested.GetProperty("failed").GetInt32());

            JsonElement found = await http.PostJsonAsync("/v1/collections/kb/search", new { query = "zyxquartz", mode = "keyword", top = 3 });
            Assert.Equal("durability.md", Assert.Single(found.GetProperty("results").EnumerateArray()).GetProperty("source").GetString());
            JsonElement vector = await http.PostJsonAsync("/v1/collections/kb/search", new { query = "boil pasta water", mode = "vector", top = 2 });
            Assert.Equal(2, vector.GetProperty("results").GetArrayLength());

            int exitCode = await serve.TerminateAsync(s_stopTimeout);

            Assert.True(exitCode == 0, $"llamadb serve exited {exitCode} after SIGTERM. Output:\n{serve.Output}");
        }

        // The log alone would bring the records back after a kill too: the checkpoint is what graceful shutdown adds.
        Assert.True(File.Exists(Path.Combine(store, "kb", "checkpoint.bin")), "no checkpoint was written at shutdown");
        (int searchExit, string stdout, string stderr) = CliRunner.RunAll(
            ["search", "zyxquartz", "--store", store, "--collection", "kb", "--mode", "keyword", "--json"],
            CleanEnvironment(), _root);
        Assert.True(searchExit == 0, $"llamadb search exited {searchExit}: {stderr}");
        using JsonDocument results = JsonDocument.Parse(stdout);
        JsonElement hit = Assert.Single(results.RootElement.GetProperty("results").EnumerateArray());
        Assert.Equal("durability.md", hit.GetProperty("source").GetString());
        Assert.Contains("zyxquartz", hit.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    /// <summary>No LLAMADB_* setting of this machine reaches the second process.</summary>
    private static Dictionary<string, string?> CleanEnvironment()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (string key in Environment.GetEnvironmentVariables().Keys)
        {
            if (key.StartsWith("LLAMADB_", StringComparison.OrdinalIgnoreCase))
            {
                environment[key] = null;
            }
        }

        return environment;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
