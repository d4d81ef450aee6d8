namespace LlamaDb.Retrieval.Onnx.Tests.Cli;

/// <summary>
/// A PostgreSQL server with pgvector (PGlite on 127.0.0.1) and the CLI test corpus ingested once into a folder store
/// (<c>store</c>, collection <c>kb</c>). PGlite serves one connection at a time, so the tests run the CLI one process after another.
/// </summary>
public sealed class CliPostgresFixture : IAsyncLifetime
{
    private PgliteServer? _postgres;

    public CliStoreFixture Folder { get; private set; } = null!;

    /// <summary>Gets the <c>--store</c> value of the PostgreSQL server (its password is "postgres").</summary>
    public string PostgresStore => "postgres:" + (_postgres ?? throw new InvalidOperationException("The fixture has not started.")).ConnectionString;

    public async Task InitializeAsync()
    {
        _postgres = await PgliteServer.StartAsync();
        Folder = new CliStoreFixture();
    }

    public async Task DisposeAsync()
    {
        Folder?.Dispose();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
