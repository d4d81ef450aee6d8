namespace LlamaDb.Server.Hosting;

/// <summary>The server's settings after options, configuration and environment are merged (options win, then configuration, then LLAMADB_*).</summary>
internal sealed class ServerSettings
{
    public const string ServerSection = "LlamaDb:Server";
    public const string ChatSection = "LlamaDb:Chat";
    public const string ChatEndpointSetting = "LlamaDb:Chat:Endpoint";
    public const string ChatEndpointVariable = "LLAMADB_CHAT_ENDPOINT";

    public required string StorePath { get; init; }

    public string? Model { get; init; }

    public string? RerankerModel { get; init; }

    public required IReadOnlyList<string> ApiKeys { get; init; }

    public required ServerLimits Limits { get; init; }

    public Uri? ChatEndpoint { get; init; }

    public string? ChatApiKey { get; init; }

    public string? ChatModel { get; init; }

    public required string DefaultCollection { get; init; }

    public static ServerSettings Resolve(LlamaDbServerOptions options, IConfiguration configuration)
    {
        IConfigurationSection server = configuration.GetSection(ServerSection);
        IConfigurationSection chat = configuration.GetSection(ChatSection);

        var keys = new List<string>(options.ApiKeys.Where(k => !string.IsNullOrWhiteSpace(k)));
        if (keys.Count == 0)
        {
            keys.AddRange(server.GetSection("ApiKeys").Get<string[]>()?.Where(k => !string.IsNullOrWhiteSpace(k)) ?? []);
        }

        if (keys.Count == 0 && Environment.GetEnvironmentVariable("LLAMADB_API_KEYS") is { Length: > 0 } fromEnvironment)
        {
            keys.AddRange(fromEnvironment.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        ServerLimits limits = options.Limits ?? server.GetSection("Limits").Get<ServerLimits>() ?? new ServerLimits();
        limits.Validate();

        string store = options.StorePath ?? server["Store"] ?? NonEmpty(Environment.GetEnvironmentVariable("LLAMADB_STORE"))
            ?? throw new InvalidOperationException("No store folder: pass --store <dir>, or set LlamaDb:Server:Store or LLAMADB_STORE.");

        string? endpoint = NonEmpty(chat["Endpoint"]) ?? NonEmpty(Environment.GetEnvironmentVariable(ChatEndpointVariable));
        Uri? chatEndpoint = null;
        if (endpoint is not null && (!Uri.TryCreate(endpoint, UriKind.Absolute, out chatEndpoint) || chatEndpoint.Scheme is not ("http" or "https")))
        {
            throw new InvalidOperationException($"{ChatEndpointSetting} '{endpoint}' is not an absolute http(s) address.");
        }

        return new ServerSettings
        {
            StorePath = store,
            Model = options.Model ?? NonEmpty(server["Model"]) ?? NonEmpty(Environment.GetEnvironmentVariable("LLAMADB_MODEL")),
            RerankerModel = options.RerankerModel ?? NonEmpty(server["Reranker"]) ?? NonEmpty(Environment.GetEnvironmentVariable("LLAMADB_RERANKER")),
            ApiKeys = keys,
            Limits = limits,
            ChatEndpoint = chatEndpoint,
            ChatApiKey = NonEmpty(chat["ApiKey"]) ?? NonEmpty(Environment.GetEnvironmentVariable("LLAMADB_CHAT_API_KEY")),
            ChatModel = NonEmpty(chat["Model"]) ?? NonEmpty(Environment.GetEnvironmentVariable("LLAMADB_CHAT_MODEL")),
            DefaultCollection = options.DefaultCollection,
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
