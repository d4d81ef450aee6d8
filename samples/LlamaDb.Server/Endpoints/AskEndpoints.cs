using System.Text.Json;
using LlamaDb.Retrieval;
using LlamaDb.Server.Contracts;
using LlamaDb.Server.Hosting;

namespace LlamaDb.Server.Endpoints;

/// <summary>
/// <c>POST /ask</c>: retrieval-augmented answers with citations through <see cref="RagPipeline"/> and the configured
/// OpenAI-compatible chat endpoint. With <c>"stream": true</c> the answer comes as server-sent events:
/// <c>delta</c> events (<c>{"text": ...}</c>), then one <c>done</c> event with the whole answer and its citations
/// (or an <c>error</c> event with problem details).
/// </summary>
internal static partial class AskEndpoints
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/ask", AskAsync)
            .WithTags("Ask").WithSummary("Answer a question from a collection, with citations (SSE when stream is true)")
            .Accepts<AskRequest>("application/json")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static async Task AskAsync(HttpContext context, ServerRuntime runtime, ILogger<RagPipeline> logger, IHostApplicationLifetime lifetime)
    {
        AskRequest request = await JsonBody.ReadAsync<AskRequest>(context, runtime.Limits);
        var chat = runtime.ChatClient ?? throw new ProblemException(StatusCodes.Status503ServiceUnavailable, "No chat endpoint",
            $"/ask needs an OpenAI-compatible chat endpoint: set {ServerSettings.ChatEndpointSetting} and LlamaDb:Chat:Model (or the {ServerSettings.ChatEndpointVariable} and LLAMADB_CHAT_MODEL environment variables).");
        string question = RequestChecks.NonEmptyText(runtime.Limits, request.Question, "'question'");
        RetrievalOptions retrieval = CollectionEndpoints.RetrievalOptionsFor(runtime, request.Mode, request.Top, 5, null, request.Filter, request.Rerank);
        string name = request.Collection ?? runtime.Settings.DefaultCollection;
        ErrorHandlingMiddleware.SetCollection(context, name); // deleted while this request retrieves: 404, as on the collection routes
        var collection = await runtime.Collections.GetAsync(name, context.RequestAborted);
        var retriever = new Retriever(collection, runtime.Reranker, runtime.Embedder);
        var pipeline = new RagPipeline(retriever, chat, new RagPipelineOptions { Top = retrieval.Top ?? RetrievalOptions.DefaultTop }, logger: logger);
        var options = new RagOptions { Retrieval = retrieval, Top = retrieval.Top };

        if (request.Stream != true)
        {
            RagAnswer answer = await pipeline.AskAsync(question, options, context.RequestAborted);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(AnswerJson(answer), JsonBody.Options), context.RequestAborted);
            return;
        }

        // A stream can run long: stop it when the client goes away or the server shuts down, so shutdown need not wait for it.
        using var streaming = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        CancellationToken cancellationToken = streaming.Token;
        await using IAsyncEnumerator<RagUpdate> updates = pipeline.AskStreamingAsync(question, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        // Retrieval happens before the first update: failures there still get an ordinary problem-details response.
        bool any = await updates.MoveNextAsync();
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        await context.Response.Body.FlushAsync(context.RequestAborted);
        try
        {
            while (any)
            {
                RagUpdate update = updates.Current;
                if (update.Kind == RagUpdateKind.TextDelta)
                {
                    await WriteEventAsync(context, "delta", new { text = update.Text });
                }
                else if (update.Answer is { } answer)
                {
                    await WriteEventAsync(context, "done", AnswerJson(answer));
                }

                any = await updates.MoveNextAsync();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Headers are gone: log the failure and report it in the stream (502 for the chat provider, 500 for ours).
            bool provider = ex is LlamaDb.Chat.OpenAI.ChatProviderException;
            LogStreamFailed(logger, ex, provider ? "chat provider" : "server");
            string detail = provider ? ex.Message : "The answer failed; see the server log.";
            int status = provider ? StatusCodes.Status502BadGateway : StatusCodes.Status500InternalServerError;
            await WriteEventAsync(context, "error", new { title = "Answer failed", status, detail });
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Streaming /ask answer failed ({Source} error)")]
    private static partial void LogStreamFailed(ILogger logger, Exception ex, string source);

    private static async Task WriteEventAsync(HttpContext context, string name, object data)
    {
        string json = JsonSerializer.Serialize(data, JsonBody.Options);
        await context.Response.WriteAsync($"event: {name}\ndata: {json}\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static object AnswerJson(RagAnswer answer) => new
    {
        answer = answer.Text,
        nothingFound = answer.NothingFound,
        model = answer.ModelId,
        citations = answer.Citations.Select(CitationJson),
        sources = answer.Sources.Select(CitationJson),
    };

    private static object CitationJson(RagCitation c) => new
    {
        number = c.Number,
        id = c.ChunkId,
        documentId = c.DocumentId,
        source = c.Source,
        title = c.Title,
        headingPath = c.HeadingPath,
        startOffset = c.StartOffset,
        endOffset = c.EndOffset,
        score = c.Score,
        text = c.Text,
    };
}
