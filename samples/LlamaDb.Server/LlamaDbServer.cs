using System.Reflection;
using LlamaDb.Server.Endpoints;
using LlamaDb.Server.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration.Memory;

namespace LlamaDb.Server;

/// <summary>Builds the LlamaDb HTTP server; <c>Program</c> and <c>llamadb serve</c> both host it.</summary>
public static class LlamaDbServer
{
    /// <summary>
    /// Builds the server. The models load and the store opens when the app starts (before it listens), so a missing
    /// model fails the start with a message naming the setting. Stopping the app checkpoints open collections and
    /// closes the store.
    /// </summary>
    /// <param name="options">What to serve; unset properties come from configuration and the environment.</param>
    /// <param name="args">Command-line arguments for ASP.NET Core's configuration (e.g. <c>--urls</c>).</param>
    /// <returns>The app, ready to <c>RunAsync</c> or <c>StartAsync</c>.</returns>
    public static WebApplication Build(LlamaDbServerOptions options, string[] args)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(args);
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Defaults below every other source (appsettings, environment, args override them): request logs only at Warning.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            },
        });
        // LLAMADB_* variables right above those defaults: every LlamaDb:* source (appsettings, LlamaDb__* variables, args) overrides them.
        builder.Configuration.Sources.Insert(1, new MemoryConfigurationSource { InitialData = ServerSettings.FromEnvironment(Environment.GetEnvironmentVariables()) });
        ServerSettings settings = ServerSettings.Resolve(options, builder.Configuration);
        LimitHostsWhenLoopbackOnly(builder.Configuration, options.Urls);
        if (options.Urls is { } urls)
        {
            builder.WebHost.UseUrls(urls);
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = settings.Limits.MaxRequestBodyBytes);
        builder.Services.Configure<FormOptions>(form =>
        {
            form.MultipartBodyLengthLimit = settings.Limits.MaxRequestBodyBytes;
            form.ValueLengthLimit = (int)Math.Min(int.MaxValue, settings.Limits.MaxRequestBodyBytes);
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<ServerRuntime>();
        builder.Services.AddHostedService<RuntimeLifetime>();
        builder.Services.AddOpenApi();

        WebApplication app = builder.Build();
        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.UseMiddleware<CrossSiteRequestMiddleware>();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.MapOpenApi();
        app.MapGet("/health", (ServerRuntime runtime) => Results.Json(new { status = "ok", model = runtime.ModelId, dimensions = runtime.Dimensions, reranker = runtime.RerankerModelId, chat = runtime.ChatClient is not null }))
            .WithTags("Health").WithSummary("Liveness; needs no API key");
        EmbeddingEndpoints.Map(app);
        RerankEndpoints.Map(app);
        CollectionEndpoints.Map(app);
        AskEndpoints.Map(app);
        MapPage(app);
        return app;
    }

    /// <summary>
    /// DNS rebinding: a server bound only to loopback answers only to loopback host names, unless <c>AllowedHosts</c> is
    /// configured. ASP.NET Core's host filtering enforces it (400 for any other <c>Host</c>).
    /// </summary>
    internal static void LimitHostsWhenLoopbackOnly(IConfiguration configuration, string? urls)
    {
        if (!string.IsNullOrWhiteSpace(configuration["AllowedHosts"]) || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            return;
        }

        // Without urls Kestrel listens on http_ports/https_ports (all interfaces) when set, else on http://localhost:5000.
        string effective = urls ?? configuration["urls"]
            ?? (configuration["http_ports"] is not null || configuration["https_ports"] is not null ? "http://*" : "http://localhost:5000");
        string[] addresses = effective.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (addresses.Length > 0 && addresses.All(IsLoopback))
        {
            configuration["AllowedHosts"] = "localhost;127.0.0.1;[::1]";
        }
    }

    private static bool IsLoopback(string address)
    {
        int scheme = address.IndexOf("://", StringComparison.Ordinal);
        string rest = scheme < 0 ? address : address[(scheme + 3)..];
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        string authority = slash < 0 ? rest : rest[..slash];
        string host = authority.StartsWith('[') ? authority[..(authority.IndexOf(']', StringComparison.Ordinal) + 1)] : authority.Split(':')[0];
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out System.Net.IPAddress? ip) && System.Net.IPAddress.IsLoopback(ip));
    }

    /// <summary>The search page: embedded static files, no external resources.</summary>
    private static void MapPage(WebApplication app)
    {
        Assembly assembly = typeof(LlamaDbServer).Assembly;
        static string ContentType(string file) => Path.GetExtension(file) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            _ => "application/octet-stream",
        };

        IResult Serve(string file)
        {
            Stream? stream = assembly.GetManifestResourceStream($"page/{file}");
            return stream is null ? Results.NotFound() : Results.Stream(stream, ContentType(file));
        }

        app.MapGet("/", () => Serve("index.html")).ExcludeFromDescription();
        app.MapGet("/page/{file}", (string file) => Serve(file)).ExcludeFromDescription();
    }

    /// <summary>Loads the runtime when the host starts (before Kestrel listens); checkpoints the store when it stops (after Kestrel has drained).</summary>
    private sealed class RuntimeLifetime(ServerRuntime runtime) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => runtime.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => runtime.FlushAsync(cancellationToken);
    }
}
