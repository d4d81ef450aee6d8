using LlamaDb.Chat.OpenAI;

namespace LlamaDb.Server.Hosting;

/// <summary>Turns exceptions into problem details: ours as they say, request-body limits as 413, library argument errors as 400, the rest as 500.</summary>
internal sealed partial class ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger, ServerRuntime runtime)
{
    /// <summary>The <see cref="HttpContext.Items"/> key of <see cref="SetCollection"/>.</summary>
    private static readonly object s_collectionKey = new();

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
            if (context.Response.StatusCode == StatusCodes.Status415UnsupportedMediaType && !context.Response.HasStarted && context.Response.ContentType is null)
            {
                // Routing refused the body's media type (the endpoint accepts application/json) and wrote no body.
                string sent = context.Request.ContentType is { Length: > 0 } contentType ? $"'{contentType}'" : "no Content-Type";
                await Problems.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                    $"Send the request body with Content-Type: application/json; the request has {sent}.");
            }
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            // A request that raced the deletion of its collection: the collection is disposed (or its files gone) under it,
            // or it was deleted between being opened and being searched (the store then says it does not exist).
            if (ex is ObjectDisposedException or IOException or InvalidOperationException && CollectionOf(context) is string name
                && await runtime.Collections.IsGoneAsync(name, CancellationToken.None))
            {
                ex = CollectionManager.Deleted(name);
            }

            await WriteAsync(context, ex);
        }
    }

    /// <summary>
    /// Names the collection a request works on when its route does not (<c>/ask</c> takes it from the body), so a race
    /// with that collection's deletion is a 404 there too.
    /// </summary>
    public static void SetCollection(HttpContext context, string name) => context.Items[s_collectionKey] = name;

    private static string? CollectionOf(HttpContext context) =>
        context.GetRouteValue("name") as string ?? context.Items[s_collectionKey] as string;

    private Task WriteAsync(HttpContext context, Exception ex)
    {
        switch (ex)
        {
            case ProblemException problem:
                return Problems.WriteAsync(context, problem);
            case BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge:
                long max = runtime.Limits.MaxRequestBodyBytes;
                return Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, $"Limit exceeded: {nameof(ServerLimits.MaxRequestBodyBytes)}",
                    $"The request body is larger than {max} bytes (limit {nameof(ServerLimits.MaxRequestBodyBytes)} = {max}).", nameof(ServerLimits.MaxRequestBodyBytes), max);
            case BadHttpRequestException bad:
                return Problems.WriteAsync(context, bad.StatusCode, "Bad request", bad.Message);
            case InvalidDataException or FormatException:
                return Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "Invalid request", ex.Message);
            case ArgumentException or NotSupportedException:
                return Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "Invalid request", ex.Message);
            case ChatProviderException chat:
                LogChatFailed(logger, chat.StatusCode, chat.Message);
                return Problems.WriteAsync(context, StatusCodes.Status502BadGateway, "Chat endpoint failed", chat.Message);
            default:
                LogUnhandled(logger, ex, context.Request.Method, context.Request.Path.Value);
                return Problems.WriteAsync(context, StatusCodes.Status500InternalServerError, "Internal server error", "The server failed to handle the request; see its log.");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception ex, string method, string? path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The chat endpoint failed with status {Status}: {Message}")]
    private static partial void LogChatFailed(ILogger logger, System.Net.HttpStatusCode? status, string message);
}
