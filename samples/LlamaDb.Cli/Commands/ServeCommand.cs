using System.CommandLine;
using LlamaDb.Server;
using Microsoft.Extensions.Hosting;

namespace LlamaDb.Cli.Commands;

/// <summary>
/// <c>llamadb serve</c>: hosts the LlamaDb HTTP server (samples/LlamaDb.Server) over a store folder: OpenAI-compatible
/// embeddings, Cohere-compatible rerank, collections, search, ingestion, /ask and the search page at /.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var store = new Option<string>("--store") { Description = "The store folder (created if missing). Also LlamaDb:Server:Store / LLAMADB_STORE." };
        var model = new Option<string>("--model") { Description = "Embedding model: a local folder or a Hugging Face repo id. Also LLAMADB_MODEL." };
        var rerank = new Option<string>("--rerank") { Description = "Cross-encoder model folder (or repo id) for /v2/rerank and rerank=true searches. Also LLAMADB_RERANKER." };
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
            var options = new LlamaDbServerOptions
            {
                StorePath = parseResult.GetValue(store),
                Model = parseResult.GetValue(model),
                RerankerModel = parseResult.GetValue(rerank),
                Urls = parseResult.GetValue(urls),
            };
            await using var app = LlamaDbServer.Build(options, []);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            // Ctrl+C / SIGTERM: Kestrel drains, then the store is checkpointed and closed.
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
