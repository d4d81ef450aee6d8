namespace LlamaDb.Server.Hosting;

/// <summary>
/// Rejects state-changing requests (POST, PUT, PATCH, DELETE) a browser sends from another site, so a web page cannot
/// drive a local keyless server: <c>Sec-Fetch-Site: cross-site</c>, or an <c>Origin</c> whose host and port differ from
/// the request's <c>Host</c>. Clients that are not browsers send neither header and pass.
/// </summary>
internal sealed class CrossSiteRequestMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        if (!(HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method) || HttpMethods.IsDelete(request.Method)))
        {
            return next(context);
        }

        if (string.Equals(request.Headers["Sec-Fetch-Site"], "cross-site", StringComparison.OrdinalIgnoreCase))
        {
            return Reject(context, "Sec-Fetch-Site", "The browser marked the request 'Sec-Fetch-Site: cross-site'; state-changing requests must come from the server's own page or a non-browser client.");
        }

        string? origin = request.Headers.Origin;
        if (!string.IsNullOrEmpty(origin) && !SameHost(origin, request))
        {
            return Reject(context, "Origin", $"The request's Origin '{origin}' is not this server ('{request.Host.Value}'); cross-origin state-changing requests are refused.");
        }

        return next(context);
    }

    private static bool SameHost(string origin, HttpRequest request)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out Uri? uri) || !request.Host.HasValue)
        {
            return false; // "null" (sandboxed or file pages) and garbage never match
        }

        int requestPort = request.Host.Port ?? (request.IsHttps ? 443 : 80);
        return string.Equals(uri.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase) && uri.Port == requestPort;
    }

    private static Task Reject(HttpContext context, string check, string detail) =>
        Problems.WriteAsync(context, StatusCodes.Status403Forbidden, $"Cross-site request refused ({check} check)", detail);
}
