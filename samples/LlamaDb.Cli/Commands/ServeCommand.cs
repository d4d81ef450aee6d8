using System.CommandLine;
using LlamaDb.Cli.Settings;
using LlamaDb.Server;
using Microsoft.Extensions.Hosting;

namespace LlamaDb.Cli.Commands;

/// <summary>
/// <c>llamadb serve</c>: hosts the LlamaDb HTTP server (samples/LlamaDb.Server) over a store (a folder or PostgreSQL): OpenAI-compatible
/// embeddings, Cohere-compatible rerank, collections, search, ingestion, /ask and the search page at /.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var store = new Option<string>("--store") { Description = "The store: a folder (created if missing; or hnsw:<dir>), or postgres:<connection-string>. Also LLAMADB_STORE, llamadb.json 'store', LlamaDb:Server:Store." };
        var model = new Option<string>("--model") { Description = "Embedding model: a local folder or a Hugging Face repo id. Also LLAMADB_MODEL, llamadb.json 'model'." };
        var rerank = new Option<string>("--rerank") { Description = "Cross-encoder model folder (or repo id) for /v2/rerank and rerank=true searches. Also LLAMADB_RERANK_MODEL (or LLAMADB_RERANKER), llamadb.json 'rerankModel'." };
        var urls = new Option<string>("--urls") { Description = "Addresses to listen on, e.g. http://127.0.0.1:8080 (default http://localhost:5000)." };
        var command = new Command("serve", """
            Serve a store over HTTP: POST /v1/embeddings (OpenAI), /v2/embed and /v2/rerank (Cohere), /v1/collections/...,
            POST /ask (chat endpoint from LlamaDb:Chat:Endpoint/Model/ApiKey or LLAMADB_CHAT_ENDPOINT/MODEL/API_KEY),
            GET / (search page), GET /health, GET /openapi/v1.json. API keys: LLAMADB_API_KEYS (comma-separated).
            """)
        {
            store, model, rerank, urls,
        };
        command.SetAction((parseResult, cancellationToken) => CliErrors.RunAsync(parseResult, async () =>
        {
            // The same precedence as the other commands: flag, then LLAMADB_* variable, then llamadb.json; unset values fall
            // through to the server's own configuration (LlamaDb:Server:*, LlamaDb:Chat:*).
            CliSettings settings = CliSettings.Load(parseResult);
            var options = new LlamaDbServerOptions
            {
                StorePath = settings.Get("store", parseResult.GetValue(store)),
                Model = settings.Get("model", parseResult.GetValue(model)),
                RerankerModel = settings.Get("rerankModel", parseResult.GetValue(rerank)) ?? NonEmpty(Environment.GetEnvironmentVariable("LLAMADB_RERANKER")),
                Urls = parseResult.GetValue(urls),
            };
            var args = new List<string>();
            if (settings.Get("chatEndpoint", null) is { } chatEndpoint)
            {
                args.Add($"--LlamaDb:Chat:Endpoint={chatEndpoint}");
            }

            if (settings.Get("chatModel", null) is { } chatModel)
            {
                args.Add($"--LlamaDb:Chat:Model={chatModel}");
            }

            await using var app = LlamaDbServer.Build(options, [.. args]);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            // One stable line per bound address (the real port when --urls asks for port 0), whatever the log levels are:
            // scripts and tests read it instead of the console logger's "Now listening on" message.
            foreach (string address in app.Urls)
            {
                await Console.Out.WriteLineAsync($"llamadb: listening on {address}").ConfigureAwait(false);
            }

            await Console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            // Ctrl+C / SIGTERM: Kestrel drains, then a folder store is checkpointed, and the store is closed.
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
