using LlamaDb.Server;

// Settings: appsettings.json, LlamaDb__Server__* / LLAMADB_* environment variables, command-line --LlamaDb:Server:Store=...
await using var app = LlamaDbServer.Build(new LlamaDbServerOptions(), args);
await app.RunAsync();
