namespace LlamaDb.Server.Hosting;

/// <summary>The server's settings after options, configuration and environment are merged (options win, then configuration; LLAMADB_* variables are the lowest configuration source).</summary>
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

    /// <summary>The <c>LLAMADB_*</c> environment variables and the configuration keys they stand for.</summary>
    public static readonly IReadOnlyList<(string Variable, string Key)> EnvironmentVariables =
    [
        ("LLAMADB_STORE", ServerSection + ":Store"),
        ("LLAMADB_MODEL", ServerSection + ":Model"),
        ("LLAMADB_RERANKER", ServerSection + ":Reranker"),
        ("LLAMADB_RERANK_MODEL", ServerSection + ":Reranker"), // the CLI's name; wins over LLAMADB_RERANKER when both are set
        ("LLAMADB_API_KEYS", ServerSection + ":ApiKeys"),
        (ChatEndpointVariable, ChatEndpointSetting),
        ("LLAMADB_CHAT_MODEL", ChatSection + ":Model"),
        ("LLAMADB_CHAT_API_KEY", ChatSection + ":ApiKey"),
    ];

    /// <summary>
    /// The configuration data the <c>LLAMADB_*</c> variables in <paramref name="variables"/> give; added below every other
    /// configuration source, so <c>LlamaDb:*</c> settings (appsettings, <c>LlamaDb__*</c> variables, arguments) override them.
    /// </summary>
    public static Dictionary<string, string?> FromEnvironment(System.Collections.IDictionary variables)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach ((string variable, string key) in EnvironmentVariables)
        {
            if (variables[variable] is string { Length: > 0 } value)
            {
                data[key] = value;
            }
        }

        return data;
    }

    /// <summary>Resolves the settings: options win, then configuration (which includes the <c>LLAMADB_*</c> variables at the lowest precedence).</summary>
    public static ServerSettings Resolve(LlamaDbServerOptions options, IConfiguration configuration)
    {
        IConfigurationSection server = configuration.GetSection(ServerSection);
        IConfigurationSection chat = configuration.GetSection(ChatSection);

        var keys = new List<string>(options.ApiKeys.Where(k => !string.IsNullOrWhiteSpace(k)));
        if (keys.Count == 0)
        {
            keys.AddRange(ApiKeysOf(server.GetSection("ApiKeys")));
        }

        ServerLimits limits = options.Limits ?? server.GetSection("Limits").Get<ServerLimits>() ?? new ServerLimits();
        limits.Validate();

        string store = options.StorePath ?? NonEmpty(server["Store"])
            ?? throw new InvalidOperationException("No store: pass --store <dir|postgres:connection-string>, or set LlamaDb:Server:Store or LLAMADB_STORE.");

        string? endpoint = NonEmpty(chat["Endpoint"]);
        Uri? chatEndpoint = null;
        if (endpoint is not null && (!Uri.TryCreate(endpoint, UriKind.Absolute, out chatEndpoint) || chatEndpoint.Scheme is not ("http" or "https")))
        {
            throw new InvalidOperationException($"{ChatEndpointSetting} '{endpoint}' is not an absolute http(s) address.");
        }

        return new ServerSettings
        {
            StorePath = store,
            Model = options.Model ?? NonEmpty(server["Model"]),
            RerankerModel = options.RerankerModel ?? NonEmpty(server["Reranker"]),
            ApiKeys = keys,
            Limits = limits,
            ChatEndpoint = chatEndpoint,
            ChatApiKey = NonEmpty(chat["ApiKey"]),
            ChatModel = NonEmpty(chat["Model"]),
            DefaultCollection = options.DefaultCollection,
        };
    }

    /// <summary>An array (<c>ApiKeys:0</c>, <c>ApiKeys:1</c>, ...) or one comma-separated string (<c>ApiKeys=a,b</c>); an array wins when both are set.</summary>
    private static IEnumerable<string> ApiKeysOf(IConfigurationSection section)
    {
        IEnumerable<string?> keys = section.GetChildren().Any()
            ? section.GetChildren().Select(c => c.Value)
            : section.Value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        return keys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => k!.Trim());
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
