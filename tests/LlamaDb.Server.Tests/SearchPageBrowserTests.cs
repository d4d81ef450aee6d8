using System.Diagnostics;
using System.Text.Json;
using LlamaDb.Server.Tests.Infrastructure;

namespace LlamaDb.Server.Tests;

/// <summary>
/// The search page in headless Debian chromium, driven by playwright-core (both installed by scripts/install-browser.sh,
/// which scripts/test.sh runs). Missing tools fail the test with the command to run; it never skips.
/// </summary>
public sealed class SearchPageBrowserTests
{
    private static readonly TimeSpan s_scriptTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task SearchPage_QueryAndAsk_ShowsRankedResultsAndStreamedAnswerWithCitations()
    {
        string chromium = Environment.GetEnvironmentVariable("LLAMADB_CHROMIUM") ?? "/usr/bin/chromium";
        string tools = Path.Combine(TestPaths.RepositoryRoot, ".cache", "browser-tools");
        Assert.True(File.Exists(chromium), $"{chromium} is missing: run 'bash scripts/install-browser.sh' (apt-get install chromium).");
        Assert.True(File.Exists(Path.Combine(tools, "node_modules", "playwright-core", "package.json")), $"playwright-core is missing under {tools}: run 'bash scripts/install-browser.sh'.");

        await using FakeChatServer chat = await FakeChatServer.StartAsync();
        await using ServerHost server = await ServerHost.StartAsync(
            o => o.EmbeddingGenerator = new TestEmbeddingGenerator(64),
            $"--LlamaDb:Chat:Endpoint={chat.V1}", "--LlamaDb:Chat:Model=fake-chat");
        using (HttpClient http = server.CreateClient())
        {
            await http.PostJsonAsync("/v1/collections", new { name = "docs" }, 201);
            object[] documents =
            [
                new { source = "storage/wal.md", text = "# Storage\n\n## Write ahead log\n\nThe write ahead log makes every acknowledged write durable: entries are flushed before the call returns." },
                new { source = "storage/snapshots.md", text = "# Snapshots\n\nCheckpoints write snapshots and truncate the log." },
                new { source = "index/hnsw.md", text = "# HNSW\n\nThe graph links each vector to its nearest neighbours on several layers." },
            ];
            await http.PostJsonAsync("/v1/collections/docs/documents", new { documents });
        }

        string artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(artifacts);
        string screenshot = Path.Combine(artifacts, "search-page.png");
        File.Delete(screenshot);
        string script = Path.Combine(AppContext.BaseDirectory, "browser", "search-page.mjs");

        (int exitCode, string stdout, string stderr) = await RunNodeAsync(script, [server.BaseAddress.ToString().TrimEnd('/'), "docs", screenshot], tools);

        Assert.True(exitCode == 0, $"search-page.mjs exited with {exitCode}.\nstdout: {stdout}\nstderr: {stderr}");
        JsonElement report = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;
        JsonElement[] keyword = [.. report.GetProperty("keyword").EnumerateArray()];
        Assert.NotEmpty(keyword);
        Assert.Contains("storage/wal.md", keyword[0].GetProperty("source").GetString(), StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(1, keyword.Length), keyword.Select(r => r.GetProperty("rank").GetInt32()));
        double[] scores = [.. keyword.Select(r => r.GetProperty("score").GetDouble())];
        Assert.Equal(scores.OrderByDescending(s => s), scores);
        Assert.Contains("log", keyword[0].GetProperty("marks").EnumerateArray().Select(m => m.GetString()));
        Assert.NotEmpty(report.GetProperty("hybrid").EnumerateArray());
        string answer = report.GetProperty("answer").GetString()!;
        Assert.StartsWith("From the knowledge base:", answer, StringComparison.Ordinal);
        Assert.Contains("[1]", answer, StringComparison.Ordinal);
        string citation = Assert.Single(report.GetProperty("citations").EnumerateArray()).GetString()!;
        Assert.StartsWith("[1]", citation, StringComparison.Ordinal);
        Assert.Empty(report.GetProperty("consoleErrors").EnumerateArray());
        Assert.Empty(report.GetProperty("foreign").EnumerateArray());
        Assert.True(new FileInfo(screenshot).Length > 1000, "the screenshot was not written");
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunNodeAsync(string script, string[] args, string tools)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["LLAMADB_BROWSER_TOOLS"] = tools;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(s_scriptTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"search-page.mjs did not finish within {s_scriptTimeout}; stderr so far: {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
