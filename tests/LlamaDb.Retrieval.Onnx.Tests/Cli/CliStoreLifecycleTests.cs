using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlamaDb.Retrieval.Onnx.Tests.Cli;

/// <summary>CLI runs that change or break their own store: delete, settings precedence, model mismatches, usage errors.</summary>
public sealed class CliStoreLifecycleTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "llamadb-cli-life-" + Guid.NewGuid().ToString("N"));

    public CliStoreLifecycleTests() => CliStoreFixture.WriteCorpus(_root);

    [Fact]
    public void CollectionsDelete_RemovesTheCollection()
    {
        Ingest("one");
        Ingest("two");

        (int exitCode, string stdout, string stderr) = Run(["collections", "delete", "--store", "store", "--collection", "one", "--json"]);
        Assert.True(exitCode == 0, stderr);
        Assert.Equal("one", JsonDocument.Parse(stdout).RootElement.GetProperty("deleted").GetString());

        (exitCode, stdout, stderr) = Run(["collections", "list", "--store", "store", "--json"]);
        Assert.True(exitCode == 0, stderr);
        JsonElement only = Assert.Single(JsonDocument.Parse(stdout).RootElement.GetProperty("collections").EnumerateArray());
        Assert.Equal("two", only.GetProperty("name").GetString());
        Assert.False(Directory.Exists(Path.Combine(_root, "store", "one")));

        (exitCode, _, stderr) = Run(["collections", "delete", "--store", "store", "--collection", "one"]);
        Assert.Equal(1, exitCode);
        Assert.StartsWith("llamadb: error: Collection 'one' does not exist", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_FileThenEnvironmentThenFlag_LaterSourcesWin()
    {
        Ingest("real");
        File.WriteAllText(Path.Combine(_root, "llamadb.json"), """{ "store": "store", "collection": "from-file" }""");

        // The file alone: its collection (which does not exist) is used.
        (int exitCode, _, string stderr) = Run(["collections", "info"]);
        Assert.Equal(1, exitCode);
        Assert.Contains("Collection 'from-file' does not exist", stderr, StringComparison.Ordinal);

        // The environment beats the file.
        (exitCode, _, stderr) = Run(["collections", "info"], new Dictionary<string, string?> { ["LLAMADB_COLLECTION"] = "from-env" });
        Assert.Equal(1, exitCode);
        Assert.Contains("Collection 'from-env' does not exist", stderr, StringComparison.Ordinal);

        // The flag beats both.
        (exitCode, string stdout, stderr) = Run(["collections", "info", "--collection", "real", "--json"], new Dictionary<string, string?> { ["LLAMADB_COLLECTION"] = "from-env" });
        Assert.True(exitCode == 0, stderr);
        Assert.Equal("real", JsonDocument.Parse(stdout).RootElement.GetProperty("collection").GetProperty("name").GetString());

        // --settings names another file.
        File.WriteAllText(Path.Combine(_root, "other.json"), """{ "store": "store", "collection": "real" }""");
        (exitCode, stdout, stderr) = Run(["collections", "info", "--settings", "other.json", "--json"]);
        Assert.True(exitCode == 0, stderr);
        Assert.Equal("real", JsonDocument.Parse(stdout).RootElement.GetProperty("collection").GetProperty("name").GetString());
    }

    [Fact]
    public void Ingest_ModelFromEnvironment_IsRecordedAndUsedBySearch()
    {
        var environment = new Dictionary<string, string?> { ["LLAMADB_MODEL"] = CliStoreFixture.EmbedderModel, ["LLAMADB_STORE"] = "store" };
        (int exitCode, _, string stderr) = Run(["ingest", "docs", "--collection", "env"], environment);
        Assert.True(exitCode == 0, stderr);

        // No model anywhere now: search takes the one the collection recorded.
        (exitCode, string stdout, stderr) = Run(["search", "snapshots", "--store", "store", "--collection", "env", "--json"]);
        Assert.True(exitCode == 0, stderr);
        Assert.NotEmpty(JsonDocument.Parse(stdout).RootElement.GetProperty("results").EnumerateArray());
    }

    [Fact]
    public void Ingest_AnotherModelWithTheSameDimensions_RefusedUnlessForced()
    {
        Ingest("same-dims");
        string manifestPath = Path.Combine(_root, "store", "same-dims", "embedding.json");
        JsonNode manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        manifest["model"] = "/models/other-model";
        manifest["modelPath"] = "/models/other-model";
        manifest["modelId"] = "other-model";
        File.WriteAllText(manifestPath, manifest.ToJsonString());

        (int exitCode, string stdout, string stderr) = Run(["ingest", "docs", "--store", "store", "--collection", "same-dims", "--model", CliStoreFixture.EmbedderModel]);

        Assert.Equal(1, exitCode);
        Assert.Equal(string.Empty, stdout);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("was built with embedding model '/models/other-model'", line, StringComparison.Ordinal);
        Assert.Contains("--force", line, StringComparison.Ordinal);

        (exitCode, _, stderr) = Run(["ingest", "docs", "--store", "store", "--collection", "same-dims", "--model", CliStoreFixture.EmbedderModel, "--force"]);
        Assert.True(exitCode == 0, stderr);
        Assert.Equal(Path.GetFullPath(CliStoreFixture.EmbedderModel), JsonNode.Parse(File.ReadAllText(manifestPath))!["modelPath"]!.GetValue<string>());
    }

    [Fact]
    public void Search_ModelWithOtherDimensions_ClearErrorAndExitCode1()
    {
        Ingest("dims");
        string manifestPath = Path.Combine(_root, "store", "dims", "embedding.json");
        JsonNode manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        manifest["dimensions"] = 384;
        manifest["model"] = "sentence-transformers/all-MiniLM-L6-v2";
        File.WriteAllText(manifestPath, manifest.ToJsonString());

        (int exitCode, string stdout, string stderr) = Run(["search", "x", "--store", "store", "--collection", "dims", "--model", CliStoreFixture.EmbedderModel]);

        Assert.Equal(1, exitCode);
        Assert.Equal(string.Empty, stdout);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("makes 32-dimension embeddings, but collection 'dims' was built with 384-dimension embeddings by 'sentence-transformers/all-MiniLM-L6-v2'", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "ingest", "docs", "--store", "store", "--collection", "c" }, "llamadb: error: ingest needs an embedding model")]
    [InlineData(new[] { "ingest", "missing", "--store", "store", "--collection", "c", "--model", "." }, "llamadb: error: 'missing' is neither a file nor a folder.")]
    [InlineData(new[] { "search", "x", "--collection", "c" }, "llamadb: error: Missing --store: pass --store <value>, set LLAMADB_STORE")]
    [InlineData(new[] { "collections", "list", "--store", "nowhere" }, "llamadb: error: Store 'nowhere' does not exist.")]
    public void UsageMistakes_OneLineErrorAndExitCode1(string[] args, string expected)
    {
        (int exitCode, string stdout, string stderr) = Run(args);

        Assert.Equal(1, exitCode);
        Assert.Equal(string.Empty, stdout);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public void Ingest_MaxTokensAboveTheModelLimit_IsRejected()
    {
        (int exitCode, _, string stderr) = Run(["ingest", "docs", "--store", "store", "--collection", "c", "--model", CliStoreFixture.EmbedderModel, "--max-tokens", "600"]);

        Assert.Equal(1, exitCode);
        Assert.Contains("--max-tokens 600 is out of range: the model takes at most 254 tokens per chunk", stderr, StringComparison.Ordinal);
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

    private void Ingest(string collection)
    {
        (int exitCode, _, string stderr) = Run(["ingest", "docs", "notes", "--store", "store", "--collection", collection, "--model", CliStoreFixture.EmbedderModel]);
        Assert.True(exitCode == 0, $"ingest exited {exitCode}: {stderr}");
    }

    private (int ExitCode, string Stdout, string Stderr) Run(string[] args, IDictionary<string, string?>? environment = null) =>
        LlamaDb.Embedders.Onnx.Tests.CliRunner.RunAll(args, CliStoreFixture.CleanEnvironment(environment), _root);
}
