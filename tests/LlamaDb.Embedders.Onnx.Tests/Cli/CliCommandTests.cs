using System.Globalization;
using System.Text.Json;
using LlamaDb.Embedders.Onnx.Tests.Hub;

namespace LlamaDb.Embedders.Onnx.Tests.Cli;

/// <summary>The <c>llamadb</c> commands whose names, flags and JSON fields other checks call.</summary>
public sealed class CliCommandTests
{
    private static string Model => TestPaths.Models("synthetic-embedder-tiny");

    [Fact]
    public void Embed_Texts_PrintsModelDimensionsAndEmbeddingsJson()
    {
        JsonElement reference = Reference.Load("synthetic-embedder-tiny");

        (_, string stdout) = CliRunner.RunStdout(["embed", "--model", Model, "A man is eating food.", "How do I cook pasta?"]);

        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement root = doc.RootElement;
        Assert.Equal("synthetic-embedder-tiny", root.GetProperty("model").GetString());
        Assert.Equal(32, root.GetProperty("dimensions").GetInt32());
        JsonElement embeddings = root.GetProperty("embeddings");
        Assert.Equal(2, embeddings.GetArrayLength());
        float[] first = embeddings[0].EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Reference.AssertClose(Reference.Doubles(reference.GetProperty("embeddings_mean_pooled_l2")[0]), first, 1e-5);
    }

    [Fact]
    public void Embed_DimensionsAndPoolingFlags_AreApplied()
    {
        (_, string stdout) = CliRunner.RunStdout(["embed", "--model", Model, "--pooling", "cls", "--normalize", "false", "--dimensions", "8", "hello"]);

        using JsonDocument doc = JsonDocument.Parse(stdout);
        Assert.Equal(8, doc.RootElement.GetProperty("dimensions").GetInt32());
        Assert.Equal(8, doc.RootElement.GetProperty("embeddings")[0].GetArrayLength());
    }

    [Fact]
    public void Embed_Compare_PrintsReferenceCosine()
    {
        JsonElement reference = Reference.Load("synthetic-embedder-tiny");
        double expected = reference.GetProperty("cosine_matrix")[0][1].GetDouble();

        (_, string stdout) = CliRunner.RunStdout(["embed", "--model", Model, "--compare", "A man is eating food.", "A man is eating a piece of bread."]);

        double cosine = double.Parse(stdout.Trim(), CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(expected - cosine) < 1e-5, $"{cosine} vs {expected}");
    }

    [Fact]
    public void Embed_MissingModel_OneLineErrorAndNonZeroExit()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"no-model-{Guid.NewGuid():N}");

        (int exitCode, _, string stderr) = CliRunner.RunAll(["embed", "--model", missing, "x"]);

        Assert.Equal(1, exitCode);
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("llamadb: error:", lines[0], StringComparison.Ordinal);
        Assert.Contains(missing, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Embed_MissingModelVerbose_ShowsDetail()
    {
        (int exitCode, _, string stderr) = CliRunner.RunAll(["embed", "--model", "/no/such/model", "--verbose", "x"]);

        Assert.Equal(1, exitCode);
        Assert.Contains("DirectoryNotFoundException", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void BenchEmbed_BeirCorpus_PrintsContractFields()
    {
        string corpus = Path.Combine(TestPaths.SharedDirectory, "data", "scifact", "corpus.jsonl");

        (_, string stdout) = CliRunner.RunStdout(["bench", "embed", "--model", Model, "--input", corpus, "--batch", "8", "--limit", "20", "--threads", "1", "--json"]);

        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement root = doc.RootElement;
        Assert.Equal(20, root.GetProperty("texts").GetInt32());
        Assert.Equal(8, root.GetProperty("batch").GetInt32());
        Assert.Equal(1, root.GetProperty("threads").GetInt32());
        Assert.True(root.GetProperty("tokens").GetInt64() > 20 * 2);
        Assert.True(root.GetProperty("seconds").GetDouble() > 0);
        Assert.True(root.GetProperty("texts_per_second").GetDouble() > 0);
        Assert.True(root.GetProperty("tokens_per_second").GetDouble() > 0);
    }

    [Fact]
    public void BenchEmbed_DumpIds_WritesTruncatedIdsPerText()
    {
        string input = Path.Combine(Path.GetTempPath(), $"llamadb-bench-{Guid.NewGuid():N}.txt");
        string ids = input + ".ids.jsonl";
        File.WriteAllLines(input, ["A man is eating food.", string.Join(' ', Enumerable.Repeat("word", 400))]);
        try
        {
            CliRunner.RunStdout(["bench", "embed", "--model", Model, "--input", input, "--dump-ids", ids, "--json"]);

            string[] lines = File.ReadAllLines(ids);
            Assert.Equal(2, lines.Length);
            Assert.Equal("[101,1037,2158,2003,5983,2833,1012,102]", lines[0]);
            Assert.Equal(256, JsonDocument.Parse(lines[1]).RootElement.GetArrayLength());
        }
        finally
        {
            File.Delete(input);
            File.Delete(ids);
        }
    }

    [Fact]
    public async Task ModelsPull_FromLoopbackHub_DownloadsAFolderThatEmbeds()
    {
        await using var hub = new HubFixture();

        (_, string stdout) = CliRunner.RunStdout(
            ["models", "pull", HubFixture.Repo, "--base-url", hub.Server.BaseUrl.ToString(), "--cache", hub.CacheDirectory, "--quiet"],
            new Dictionary<string, string?> { ["HF_TOKEN"] = null, ["HF_ENDPOINT"] = null, ["LLAMADB_HF_BASE_URL"] = null });

        string local = stdout.Trim();
        Assert.Equal(hub.LocalPath, local);
        Assert.Equal(HubFixture.Sha256Of(Path.Combine(Model, "model.onnx")), HubFixture.Sha256Of(Path.Combine(local, "model.onnx")));
        (_, string embedded) = CliRunner.RunStdout(["embed", "--model", local, "--compare", "A man is eating food.", "A man is eating food."]);
        Assert.True(Math.Abs(1 - double.Parse(embedded.Trim(), CultureInfo.InvariantCulture)) < 1e-5);

        (_, string listed) = CliRunner.RunStdout(["models", "list", "--cache", hub.CacheDirectory]);
        Assert.Contains($"{HubFixture.Repo}@main", listed, StringComparison.Ordinal);
    }

    [Fact]
    public void Info_NoLibraryAnywhere_ListsPlacesAndInstallCommand()
    {
        // A copy of the CLI outside the repository, with an empty home: nothing can be found.
        string sandbox = Path.Combine(Path.GetTempPath(), $"llamadb-nolib-{Guid.NewGuid():N}");
        string app = Path.Combine(sandbox, "app");
        Directory.CreateDirectory(app);
        foreach (string file in Directory.EnumerateFiles(AppContext.BaseDirectory, "*", SearchOption.TopDirectoryOnly))
        {
            File.Copy(file, Path.Combine(app, Path.GetFileName(file)));
        }

        try
        {
            (int exitCode, _, string stderr) = CliRunner.RunAll(
                [],
                new Dictionary<string, string?> { ["HOME"] = sandbox, ["LLAMADB_ONNXRUNTIME"] = null },
                workingDirectory: sandbox,
                assembly: Path.Combine(app, "llamadb.dll"),
                extraArgs: ["info"]);

            Assert.Equal(1, exitCode);
            Assert.Contains("LLAMADB_ONNXRUNTIME", stderr, StringComparison.Ordinal);
            Assert.Contains(Path.Combine(sandbox, ".cache", "llamadb", "onnxruntime", "1.30.0", "libonnxruntime.so.1"), stderr, StringComparison.Ordinal);
            Assert.Contains("bash scripts/install-onnxruntime.sh", stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(sandbox, recursive: true);
        }
    }
}
