using LlamaDb.Chat.OpenAI;

namespace LlamaDb.Server.Hosting;

/// <summary>Turns exceptions into problem details: ours as they say, request-body limits as 413, library argument errors as 400, the rest as 500.</summary>
internal sealed partial class ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger, ServerRuntime runtime)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            await WriteAsync(context, ex);
        }
    }

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
