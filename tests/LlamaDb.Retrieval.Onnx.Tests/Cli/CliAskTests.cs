using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlamaDb.Retrieval.Onnx.Tests.Cli;

/// <summary><c>llamadb ask</c> against a loopback OpenAI-compatible chat server (real HTTP, SSE streaming).</summary>
public sealed class CliAskTests(CliStoreFixture store) : IClassFixture<CliStoreFixture>
{
    [Fact]
    public async Task Ask_StreamingEndpoint_PrintsTheAnswerAndItsCitations()
    {
        await using ChatCompletionsServer server = await ChatCompletionsServer.StartAsync("Writes are durable ", "because of the write-ahead log ", "[1].");

        (int exitCode, string stdout, string stderr) = store.Run(
            ["ask", "How is the write-ahead log made durable?", "--store", "store", "--collection", CliStoreFixture.Collection, "--mode", "keyword", "--top", "2",
             "--endpoint", server.V1.ToString(), "--chat-model", "loopback-model"]);

        Assert.True(exitCode == 0, $"ask exited {exitCode}: {stderr}");
        Assert.Contains("Writes are durable because of the write-ahead log [1].", stdout, StringComparison.Ordinal);
        Assert.Contains("Citations:", stdout, StringComparison.Ordinal);
        Assert.Matches(@"\[1\] docs/durability\.md", stdout);

        JsonNode request = Assert.Single(server.Requests);
        Assert.Equal("loopback-model", request["model"]!.GetValue<string>());
        Assert.True(request["stream"]!.GetValue<bool>());
        string prompt = request["messages"]!.ToJsonString();
        Assert.Contains("How is the write-ahead log made durable?", prompt, StringComparison.Ordinal);
        Assert.Contains("CRC-32C", prompt, StringComparison.Ordinal); // the durability chunk was given as a source
    }

    [Fact]
    public async Task Ask_SettingsFromEnvironment_JsonHasAnswerAndCitations()
    {
        await using ChatCompletionsServer server = await ChatCompletionsServer.StartAsync("Pasta boils for nine minutes [1].");
        var environment = new Dictionary<string, string?>
        {
            ["LLAMADB_CHAT_ENDPOINT"] = server.V1.ToString(),
            ["LLAMADB_CHAT_MODEL"] = "env-model",
            ["LLAMADB_STORE"] = "store",
            ["LLAMADB_COLLECTION"] = CliStoreFixture.Collection,
        };

        (int exitCode, string stdout, string stderr) = store.Run(["ask", "How long does pasta cook?", "--mode", "keyword", "--json"], environment);

        Assert.True(exitCode == 0, $"ask exited {exitCode}: {stderr}");
        using JsonDocument doc = JsonDocument.Parse(stdout);
        Assert.Equal("Pasta boils for nine minutes [1].", doc.RootElement.GetProperty("answer").GetString());
        Assert.True(doc.RootElement.GetProperty("found").GetBoolean());
        JsonElement citation = Assert.Single(doc.RootElement.GetProperty("citations").EnumerateArray());
        Assert.Equal(1, citation.GetProperty("number").GetInt32());
        Assert.Equal("notes/cooking.txt", citation.GetProperty("source").GetString());
        Assert.Equal("env-model", Assert.Single(server.Requests)["model"]!.GetValue<string>());
    }

    [Fact]
    public void Ask_NoChatModelConfigured_OneLineErrorAndExitCode1()
    {
        (int exitCode, string stdout, string stderr) = store.Run(["ask", "anything", "--store", "store", "--collection", CliStoreFixture.Collection]);

        Assert.Equal(1, exitCode);
        Assert.Equal(string.Empty, stdout);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("llamadb: error: ask needs a chat model: pass --endpoint <url> --chat-model <name>", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_ServerRefuses_OneLineErrorWithTheStatus()
    {
        await using ChatCompletionsServer server = await ChatCompletionsServer.StartAsync("unused");
        var badEndpoint = new Uri(server.V1, "/nothing-here/v1");

        (int exitCode, _, string stderr) = store.Run(
            ["ask", "durable?", "--store", "store", "--collection", CliStoreFixture.Collection, "--mode", "keyword", "--endpoint", badEndpoint.ToString(), "--chat-model", "m"]);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("llamadb: error:", stderr, StringComparison.Ordinal);
        Assert.Contains("404", stderr, StringComparison.Ordinal);
    }
}
