namespace LlamaDb.Connectors.Postgres.Tests.Collections;

/// <summary>One PGlite server (PostgreSQL + pgvector) for a test class.</summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    private PgliteServer? _server;

    internal PgliteServer Server => _server ?? throw new InvalidOperationException("Not initialized.");

    public string ConnectionString => Server.ConnectionString;

    public async Task InitializeAsync() => _server = await PgliteServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
