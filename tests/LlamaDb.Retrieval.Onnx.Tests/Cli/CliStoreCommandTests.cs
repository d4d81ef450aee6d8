using System.Text.Json;

namespace LlamaDb.Retrieval.Onnx.Tests.Cli;

/// <summary><c>llamadb ingest</c>, <c>search</c> and <c>collections</c> run as processes against a temporary store.</summary>
public sealed class CliStoreCommandTests(CliStoreFixture store) : IClassFixture<CliStoreFixture>
{
    private static readonly string[] s_sources = ["docs/durability.md", "docs/search.md", "notes/cooking.txt"];

    [Fact]
    public void Ingest_Folders_PrintsSummaryAndRecordsTheModel()
    {
        Assert.Contains("chunks embedded", store.IngestOutput, StringComparison.Ordinal);
        Assert.Contains("files 3/3", store.IngestOutput, StringComparison.Ordinal);
        Assert.Contains("embeddings/s", store.IngestOutput, StringComparison.Ordinal);

        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(store.Store, CliStoreFixture.Collection, "embedding.json")));
        Assert.Equal(32, manifest.RootElement.GetProperty("dimensions").GetInt32());
        Assert.Equal(Path.GetFullPath(CliStoreFixture.EmbedderModel), manifest.RootElement.GetProperty("model").GetString());
        Assert.Equal(254, manifest.RootElement.GetProperty("maxTokens").GetInt32());
    }

    [Fact]
    public void Ingest_Again_SkipsUnchangedDocuments()
    {
        (int exitCode, string stdout, string stderr) = store.Run(["ingest", "docs", "notes", "--store", "store", "--collection", CliStoreFixture.Collection]);

        Assert.True(exitCode == 0, stderr);
        Assert.Matches(@"documents unchanged \(skipped\)\s*│\s*3", stdout);
    }

    [Fact]
    public void Search_Json_HasTheContractFieldsInRankOrder()
    {
        JsonElement[] results = SearchJson(["search", "write-ahead log durability", "--top", "3"]);

        Assert.Equal(3, results.Length);
        for (int i = 0; i < results.Length; i++)
        {
            JsonElement r = results[i];
            Assert.Equal(i + 1, r.GetProperty("rank").GetInt32());
            Assert.Contains(r.GetProperty("source").GetString(), s_sources);
            Assert.Equal(r.GetProperty("source").GetString(), r.GetProperty("documentId").GetString());
            Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("text").GetString()));
            if (i > 0)
            {
                Assert.True(results[i - 1].GetProperty("score").GetDouble() >= r.GetProperty("score").GetDouble());
            }
        }
    }

    [Fact]
    public void Search_KeywordMode_FindsTheDocumentWithAnExactTerm()
    {
        JsonElement[] results = SearchJson(["search", "zyxquartz", "--mode", "keyword"]);

        JsonElement first = Assert.Single(results);
        Assert.Equal("docs/search.md", first.GetProperty("source").GetString());
        Assert.Contains("zyxquartz", first.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Search_Table_HighlightsQueryTermsWithScoreAndSource()
    {
        (int exitCode, string stdout, string stderr) = store.Run(["search", "zyxquartz", "--store", "store", "--collection", CliStoreFixture.Collection, "--mode", "keyword"]);

        Assert.True(exitCode == 0, stderr);
        Assert.Contains("docs/search.md", stdout, StringComparison.Ordinal);
        Assert.Contains("score", stdout, StringComparison.Ordinal);
        Assert.Contains("1 result(s), keyword search", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("source == \"notes/cooking.txt\"", "notes/cooking.txt")]
    [InlineData("source in [\"docs/search.md\"] and not (chunkIndex > 0)", "docs/search.md")]
    [InlineData("documentId != \"docs/durability.md\" and documentId != \"notes/cooking.txt\"", "docs/search.md")]
    public void Search_Filter_KeepsOnlyMatchingSources(string filter, string source)
    {
        JsonElement[] results = SearchJson(["search", "pasta search log", "--filter", filter, "--mode", "vector"]);

        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.Equal(source, r.GetProperty("source").GetString()));
    }

    [Fact]
    public void Search_InvalidFilter_OneLineErrorNamingTheTokenAndExitCode1()
    {
        (int exitCode, string stdout, string stderr) = store.Run(["search", "x", "--store", "store", "--collection", CliStoreFixture.Collection, "--filter", "source == \"a\" andd chunkIndex > 1"]);

        Assert.Equal(1, exitCode);
        Assert.Equal(string.Empty, stdout);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("llamadb: error: Invalid --filter: unexpected 'andd' at position 15", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Search_Rerank_ScoresEveryResultWithTheCrossEncoder()
    {
        JsonElement root = SearchRoot(["search", "how are writes made durable?", "--rerank", CliStoreFixture.CrossEncoderModel, "--top", "4"]);

        Assert.True(root.GetProperty("reranked").GetBoolean());
        JsonElement[] results = [.. root.GetProperty("results").EnumerateArray()];
        Assert.NotEmpty(results);
        double previous = double.PositiveInfinity;
        foreach (JsonElement r in results)
        {
            double rerank = r.GetProperty("rerankScore").GetDouble();
            Assert.Equal(rerank, r.GetProperty("score").GetDouble());
            Assert.True(rerank <= previous);
            Assert.InRange(rerank, -10, 10); // raw logits of the synthetic cross-encoder are near -2
            previous = rerank;
        }
    }

    [Fact]
    public void Search_MissingCollection_OneLineErrorAndExitCode1()
    {
        (int exitCode, _, string stderr) = store.Run(["search", "x", "--store", "store", "--collection", "nope"]);

        Assert.Equal(1, exitCode);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("llamadb: error: Collection 'nope' does not exist in store 'store' (see llamadb collections list --store store).", line);
    }

    [Fact]
    public void Collections_ListAndInfo_DescribeTheCollection()
    {
        (int exitCode, string stdout, string stderr) = store.Run(["collections", "list", "--store", "store", "--json"]);
        Assert.True(exitCode == 0, stderr);
        using JsonDocument list = JsonDocument.Parse(stdout);
        JsonElement only = Assert.Single(list.RootElement.GetProperty("collections").EnumerateArray());
        Assert.Equal(CliStoreFixture.Collection, only.GetProperty("name").GetString());
        Assert.True(only.GetProperty("chunks").GetInt32() >= 3);
        Assert.Equal(32, only.GetProperty("dimensions").GetInt32());

        (exitCode, stdout, stderr) = store.Run(["collections", "info", "--store", "store", "--collection", CliStoreFixture.Collection, "--json"]);
        Assert.True(exitCode == 0, stderr);
        using JsonDocument info = JsonDocument.Parse(stdout);
        JsonElement collection = info.RootElement.GetProperty("collection");
        Assert.Equal("markdown", collection.GetProperty("chunker").GetString());
        Assert.Equal("synthetic-embedder-tiny", collection.GetProperty("modelId").GetString());
        Assert.True(collection.GetProperty("bytes").GetInt64() > 0);
    }

    private JsonElement[] SearchJson(string[] args) => [.. SearchRoot(args).GetProperty("results").EnumerateArray()];

    private JsonElement SearchRoot(string[] args)
    {
        (int exitCode, string stdout, string stderr) = store.Run([.. args, "--store", "store", "--collection", CliStoreFixture.Collection, "--json"]);
        Assert.True(exitCode == 0, $"llamadb {string.Join(' ', args)} exited {exitCode}: {stderr}");
        using JsonDocument doc = JsonDocument.Parse(stdout);
        return doc.RootElement.Clone();
    }
}
