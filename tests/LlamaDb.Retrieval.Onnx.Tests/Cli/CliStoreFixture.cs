using LlamaDb.Embedders.Onnx.Tests;

namespace LlamaDb.Retrieval.Onnx.Tests.Cli;

/// <summary>
/// A temporary folder with a few Markdown and text files, ingested once into a store with the synthetic embedder
/// (<c>llamadb ingest docs notes --store store --collection kb</c>, run in that folder so sources read <c>docs/a.md</c>).
/// </summary>
public sealed class CliStoreFixture : IDisposable
{
    public const string Collection = "kb";

    public CliStoreFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "llamadb-cli-" + Guid.NewGuid().ToString("N"));
        WriteCorpus(Root);
        (int exitCode, string stdout, string stderr) = Run(["ingest", "docs", "notes", "--store", "store", "--collection", Collection, "--model", EmbedderModel]);
        Assert.True(exitCode == 0, $"ingest exited {exitCode}: {stderr}");
        IngestOutput = stdout;
    }

    public static string EmbedderModel => TestPaths.Models("synthetic-embedder-tiny");

    public static string CrossEncoderModel => TestPaths.Models("synthetic-crossencoder-tiny");

    public string Root { get; }

    public string Store => Path.Combine(Root, "store");

    public string IngestOutput { get; }

    /// <summary>Writes the test corpus: two Markdown files, one text file and a file no loader reads.</summary>
    public static void WriteCorpus(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "docs"));
        Directory.CreateDirectory(Path.Combine(root, "notes"));
        File.WriteAllText(Path.Combine(root, "docs", "durability.md"), """
            # Durability

            The write-ahead log makes acknowledged writes durable: every entry carries a CRC-32C checksum and is flushed
            before the upsert returns.

            ## Snapshots

            Checkpoints write snapshots to a temporary name, flush them and rename them into place.
            """);
        File.WriteAllText(Path.Combine(root, "docs", "search.md"), """
            # Search

            Hybrid search fuses vector and keyword rankings with reciprocal rank fusion. The zyxquartz marker word appears
            only in this document.
            """);
        File.WriteAllText(Path.Combine(root, "notes", "cooking.txt"), "Cooking pasta: boil salted water, add the pasta, stir, and drain it after nine minutes.");
        File.WriteAllBytes(Path.Combine(root, "notes", "image.bin"), [0, 1, 2, 3]);
    }

    /// <summary>The environment every child gets: no LLAMADB_* or chat settings leak in from the machine.</summary>
    public static Dictionary<string, string?> CleanEnvironment(IDictionary<string, string?>? extra = null)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (string name in (string[])["LLAMADB_STORE", "LLAMADB_COLLECTION", "LLAMADB_MODEL", "LLAMADB_RERANK_MODEL", "LLAMADB_MODE", "LLAMADB_TOP",
            "LLAMADB_CHAT_ENDPOINT", "LLAMADB_CHAT_MODEL", "LLAMADB_CHAT_API_KEY", "OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT"])
        {
            environment[name] = null;
        }

        foreach ((string key, string? value) in extra ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        return environment;
    }

    public (int ExitCode, string Stdout, string Stderr) Run(string[] args, IDictionary<string, string?>? environment = null, string? workingDirectory = null) =>
        CliRunner.RunAll(args, CleanEnvironment(environment), workingDirectory ?? Root);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
