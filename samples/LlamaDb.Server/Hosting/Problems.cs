using System.Text.Json;

namespace LlamaDb.Server.Hosting;

/// <summary>Writes RFC 7807 problem details (<c>application/problem+json</c>).</summary>
internal static class Problems
{
    public static Task WriteAsync(HttpContext context, int status, string title, string detail, string? limit = null, long? limitValue = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        var body = new Dictionary<string, object?>
        {
            ["type"] = $"https://httpstatuses.io/{status}",
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
            ["instance"] = context.Request.Path.Value,
            ["traceId"] = context.TraceIdentifier,
        };
        if (limit is not null)
        {
            body["limit"] = limit;
            body["limitValue"] = limitValue;
        }

        return context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }

    public static Task WriteAsync(HttpContext context, ProblemException problem) =>
        WriteAsync(context, problem.Status, problem.Title, problem.Message, problem.Limit, problem.LimitValue);
}
