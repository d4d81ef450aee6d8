using System.Security.Cryptography;
using System.Text;

namespace LlamaDb.Server.Hosting;

/// <summary>
/// Checks <c>Authorization: Bearer &lt;key&gt;</c> against the configured keys (compared as SHA-256 digests in constant
/// time). With no keys configured every request passes. The health check, the search page and the OpenAPI document are
/// always open (the page asks for a key itself).
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, ServerRuntime runtime)
{
    private readonly byte[][] _digests = [.. runtime.Settings.ApiKeys.Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k)))];

    public Task InvokeAsync(HttpContext context)
    {
        if (_digests.Length == 0 || IsOpen(context.Request))
        {
            return next(context);
        }

        string? header = context.Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Reject(context, "Send an API key as 'Authorization: Bearer <key>'.");
        }

        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()));
        bool match = false;
        foreach (byte[] candidate in _digests)
        {
            match |= CryptographicOperations.FixedTimeEquals(candidate, digest);
        }

        return match ? next(context) : Reject(context, "The API key is not valid.");
    }

    private static bool IsOpen(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && (request.Path == "/health" || request.Path == "/" || request.Path.StartsWithSegments("/page") || request.Path.StartsWithSegments("/openapi"));

    private static Task Reject(HttpContext context, string detail)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", detail);
    }
}
