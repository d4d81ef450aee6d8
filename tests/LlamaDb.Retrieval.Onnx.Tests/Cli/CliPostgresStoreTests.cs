using System.Net;
using System.Text.Json;

namespace LlamaDb.Retrieval.Onnx.Tests.Cli;

/// <summary>
/// The store commands and <c>llamadb migrate</c> with <c>--store postgres:&lt;connection-string&gt;</c>, run as child
/// processes against a real PostgreSQL with pgvector (PGlite), one process at a time.
/// </summary>
public sealed class CliPostgresStoreTests(CliPostgresFixture fixture) : IClassFixture<CliPostgresFixture>
{
    private static readonly string[] s_queries = ["write-ahead log checksum", "boil pasta water", "hybrid search reciprocal rank fusion"];

    [Fact]
    public void IngestSearchCollections_PostgresStore_WorkAsWithAFolder()
    {
        string store = fixture.PostgresStore;
        (int exitCode, string stdout, string stderr) = Run(["ingest", "docs", "notes", "--store", store, "--collection", "pgkb", "--model", CliStoreFixture.EmbedderModel]);
        Assert.True(exitCode == 0, $"ingest exited {exitCode}: {stderr}");
        Assert.DoesNotContain("Password=postgres", stdout + stderr, StringComparison.OrdinalIgnoreCase);

        (exitCode, stdout, stderr) = Run(["search", "zyxquartz", "--store", store, "--collection", "pgkb", "--mode", "keyword", "--json"]);
        Assert.True(exitCode == 0, $"search exited {exitCode}: {stderr}");
        JsonElement first = JsonDocument.Parse(stdout).RootElement.GetProperty("results")[0];
        Assert.Equal("docs/search.md", first.GetProperty("documentId").GetString());

        // LLAMADB_STORE names the store too; hybrid search runs in SQL.
        (exitCode, stdout, stderr) = Run(["search", "snapshots rename", "--collection", "pgkb", "--json"], new Dictionary<string, string?> { ["LLAMADB_STORE"] = store });
        Assert.True(exitCode == 0, $"search exited {exitCode}: {stderr}");
        Assert.Equal("hybrid", JsonDocument.Parse(stdout).RootElement.GetProperty("mode").GetString());
        Assert.Equal("docs/durability.md", JsonDocument.Parse(stdout).RootElement.GetProperty("results")[0].GetProperty("documentId").GetString());

        (exitCode, stdout, stderr) = Run(["collections", "list", "--store", store, "--json"]);
        Assert.True(exitCode == 0, $"collections list exited {exitCode}: {stderr}");
        JsonElement listed = JsonDocument.Parse(stdout).RootElement.GetProperty("collections").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "pgkb");
        Assert.Equal(32, listed.GetProperty("dimensions").GetInt32());
        Assert.True(listed.GetProperty("chunks").GetInt64() >= 3, stdout);
        Assert.True(listed.GetProperty("bytes").GetInt64() > 0, stdout);

        // llamadb.json's "store" is a postgres: store as well.
        string settingsFolder = Path.Combine(fixture.Folder.Root, "pg-settings");
        Directory.CreateDirectory(settingsFolder);
        File.WriteAllText(Path.Combine(settingsFolder, "llamadb.json"), JsonSerializer.Serialize(new { store, collection = "pgkb" }));
        (exitCode, stdout, stderr) = Run(["collections", "info", "--json"], workingDirectory: settingsFolder);
        Assert.True(exitCode == 0, $"collections info exited {exitCode}: {stderr}");
        JsonElement info = JsonDocument.Parse(stdout).RootElement.GetProperty("collection");
        Assert.Equal(listed.GetProperty("chunks").GetInt64(), info.GetProperty("chunks").GetInt64());
        Assert.Equal(Path.GetFullPath(CliStoreFixture.EmbedderModel), info.GetProperty("model").GetString());

        // Unchanged documents are skipped on a second ingest: the content hashes came back from PostgreSQL.
        (exitCode, stdout, stderr) = Run(["ingest", "docs", "notes", "--store", store, "--collection", "pgkb"]);
        Assert.True(exitCode == 0, $"second ingest exited {exitCode}: {stderr}");
        Assert.Matches(@"documents unchanged \(skipped\)\s*│\s*3", stdout);

        (exitCode, stdout, stderr) = Run(["collections", "delete", "--store", store, "--collection", "pgkb", "--json"]);
        Assert.True(exitCode == 0, $"collections delete exited {exitCode}: {stderr}");
        (exitCode, _, stderr) = Run(["search", "x", "--store", store, "--collection", "pgkb"]);
        Assert.Equal(1, exitCode);
        Assert.Contains("Collection 'pgkb' does not exist", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Migrate_FolderToPostgres_CopiesEveryRecordAndSearchRanksTheSame()
    {
        string store = fixture.PostgresStore;
        (int exitCode, string stdout, string stderr) = Run(["collections", "info", "--store", "hnsw:store", "--collection", CliStoreFixture.Collection, "--json"]);
        Assert.True(exitCode == 0, $"collections info exited {exitCode}: {stderr}");
        long sourceCount = JsonDocument.Parse(stdout).RootElement.GetProperty("collection").GetProperty("chunks").GetInt64();

        (exitCode, stdout, stderr) = Run(["migrate", "--from", "hnsw:store", "--to", store, "--collection", CliStoreFixture.Collection, "--batch-size", "2", "--json"]);

        Assert.True(exitCode == 0, $"migrate exited {exitCode}: {stderr}");
        string line = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using (JsonDocument result = JsonDocument.Parse(line))
        {
            Assert.Equal(sourceCount, result.RootElement.GetProperty("records").GetInt64());
            Assert.True(result.RootElement.GetProperty("seconds").GetDouble() >= 0);
        }

        Assert.Contains($"llamadb: migrate: {sourceCount}/{sourceCount} records", stderr, StringComparison.Ordinal); // progress, batch by batch
        Assert.DoesNotContain("Password=postgres", stdout + stderr, StringComparison.OrdinalIgnoreCase);

        (exitCode, stdout, stderr) = Run(["collections", "info", "--store", store, "--collection", CliStoreFixture.Collection, "--json"]);
        Assert.True(exitCode == 0, $"collections info exited {exitCode}: {stderr}");
        JsonElement migrated = JsonDocument.Parse(stdout).RootElement.GetProperty("collection");
        Assert.Equal(sourceCount, migrated.GetProperty("chunks").GetInt64());
        Assert.Equal(32, migrated.GetProperty("dimensions").GetInt32());
        Assert.Equal(Path.GetFullPath(CliStoreFixture.EmbedderModel), migrated.GetProperty("model").GetString()); // the model record came along

        foreach (string query in s_queries)
        {
            JsonElement[] folder = VectorSearch("hnsw:store", query);
            JsonElement[] postgres = VectorSearch(store, query);
            Assert.Equal(folder.Select(r => r.GetProperty("documentId").GetString()), postgres.Select(r => r.GetProperty("documentId").GetString()));
            Assert.Equal(folder.Select(r => r.GetProperty("chunkId").GetString()), postgres.Select(r => r.GetProperty("chunkId").GetString()));
            for (int i = 0; i < folder.Length; i++)
            {
                Assert.Equal(folder[i].GetProperty("score").GetDouble(), postgres[i].GetProperty("score").GetDouble(), 1e-4);
            }
        }

        // Again into the existing target: upserts replace, nothing doubles.
        (exitCode, stdout, stderr) = Run(["migrate", "--from", "hnsw:store", "--to", store, "--collection", CliStoreFixture.Collection]);
        Assert.True(exitCode == 0, $"second migrate exited {exitCode}: {stderr}");
        Assert.Contains($"Migrated {sourceCount} records of collection '{CliStoreFixture.Collection}'", stdout, StringComparison.Ordinal);
        Assert.Contains($"the target holds {sourceCount} records", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Migrate_MissingSourceCollection_OneLineAndExitCode1()
    {
        (int exitCode, string stdout, string stderr) = Run(["migrate", "--from", "hnsw:store", "--to", fixture.PostgresStore, "--collection", "nope", "--json"]);

        Assert.Equal(1, exitCode);
        Assert.Equal(string.Empty, stdout);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("llamadb: error: Collection 'nope' does not exist in store 'store'", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_TargetWithoutPgvector_OneLineNamingTheExtension()
    {
        await using PgliteServer bare = await PgliteServer.StartAsync(withVector: false);

        (int exitCode, string stdout, string stderr) = Run(["migrate", "--from", "hnsw:store", "--to", "postgres:" + bare.ConnectionString, "--collection", CliStoreFixture.Collection]);

        Assert.Equal(1, exitCode);
        Assert.Equal(string.Empty, stdout);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("llamadb: error: ", line, StringComparison.Ordinal);
        Assert.Contains("'vector' extension", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Password=postgres", line, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("migrate")]
    [InlineData("search")]
    [InlineData("collections")]
    public void PostgresNotRunning_OneLineExitCode1_PasswordNotEchoed(string command)
    {
        const string Password = "Secr3t-pw-not-shown";
        int port = ClosedPort();
        string store = $"postgres:Host=127.0.0.1;Port={port};Username=postgres;Password={Password};Database=postgres;Timeout=5";
        string[] args = command switch
        {
            "migrate" => ["migrate", "--from", "hnsw:store", "--to", store, "--collection", CliStoreFixture.Collection, "--json"],
            "search" => ["search", "snapshots", "--store", store, "--collection", CliStoreFixture.Collection, "--json"],
            _ => ["collections", "list", "--store", store],
        };

        (int exitCode, string stdout, string stderr) = Run(args);

        Assert.Equal(1, exitCode);
        Assert.Equal(string.Empty, stdout);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"llamadb: error: Cannot reach the PostgreSQL store postgres:127.0.0.1:{port}/postgres", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void BadConnectionString_OneLineExitCode1_PasswordNotEchoed()
    {
        const string Password = "Secr3t-pw-not-shown";

        (int exitCode, string stdout, string stderr) = Run(["search", "x", "--store", $"postgres:Host=127.0.0.1;Password={Password};Flavour=vanilla", "--collection", "kb"]);

        Assert.Equal(1, exitCode);
        Assert.Equal(string.Empty, stdout);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("llamadb: error: The PostgreSQL connection string is not valid", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, stderr, StringComparison.Ordinal);
    }

    private JsonElement[] VectorSearch(string store, string query)
    {
        (int exitCode, string stdout, string stderr) = Run(["search", query, "--store", store, "--collection", CliStoreFixture.Collection, "--mode", "vector", "--top", "10", "--json"]);
        Assert.True(exitCode == 0, $"search on {store} exited {exitCode}: {stderr}");
        JsonElement[] results = [.. JsonDocument.Parse(stdout).RootElement.GetProperty("results").EnumerateArray().Select(r => r.Clone())];
        Assert.NotEmpty(results);
        return results;
    }

    private (int ExitCode, string Stdout, string Stderr) Run(string[] args, IDictionary<string, string?>? environment = null, string? workingDirectory = null) =>
        fixture.Folder.Run(args, environment, workingDirectory);

    /// <summary>A loopback port nothing listens on: bound, read, released.</summary>
    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
