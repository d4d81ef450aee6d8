using System.CommandLine;
using System.Text.Json;
using LlamaDb.Cli.Commands;

namespace LlamaDb.Cli.Settings;

/// <summary>
/// Settings for the store commands, from three sources where later ones win: <c>llamadb.json</c> (the current folder, or
/// <c>--settings &lt;path&gt;</c>), then <c>LLAMADB_*</c> environment variables, then command-line flags.
/// </summary>
/// <remarks>
/// <c>llamadb.json</c> is an object of strings or numbers with these keys: <c>store</c>, <c>collection</c>, <c>model</c>,
/// <c>rerankModel</c>, <c>chatEndpoint</c>, <c>chatModel</c>, <c>mode</c>, <c>top</c>. API keys come from the environment
/// only, never from the file.
/// </remarks>
internal sealed class CliSettings
{
    public const string FileName = "llamadb.json";

    public static readonly Option<string?> SettingsOption = new("--settings")
    {
        Description = $"Settings file (default: ./{FileName} when present). Environment variables LLAMADB_* override it; flags override both.",
        Recursive = true,
    };

    /// <summary>The known keys and their environment variables.</summary>
    public static readonly IReadOnlyDictionary<string, string> Keys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["store"] = "LLAMADB_STORE",
        ["collection"] = "LLAMADB_COLLECTION",
        ["model"] = "LLAMADB_MODEL",
        ["rerankModel"] = "LLAMADB_RERANK_MODEL",
        ["chatEndpoint"] = "LLAMADB_CHAT_ENDPOINT",
        ["chatModel"] = "LLAMADB_CHAT_MODEL",
        ["mode"] = "LLAMADB_MODE",
        ["top"] = "LLAMADB_TOP",
    };

    private readonly Dictionary<string, string> _file;
    private readonly Func<string, string?> _environment;

    internal CliSettings(Dictionary<string, string> file, Func<string, string?> environment, string? path)
    {
        _file = file;
        _environment = environment;
        FilePath = path;
    }

    /// <summary>Gets the settings file that was read, or null.</summary>
    public string? FilePath { get; }

    /// <summary>Loads the settings for a parsed command line.</summary>
    public static CliSettings Load(ParseResult parseResult) =>
        Load(parseResult.GetValue(SettingsOption), Directory.GetCurrentDirectory(), Environment.GetEnvironmentVariable);

    /// <summary>Loads <paramref name="explicitPath"/> (must exist) or <c>llamadb.json</c> in <paramref name="directory"/> (optional).</summary>
    public static CliSettings Load(string? explicitPath, string directory, Func<string, string?> environment)
    {
        string? path = explicitPath;
        if (path is not null)
        {
            if (!File.Exists(path))
            {
                throw new CliUsageException($"Settings file '{path}' does not exist.");
            }
        }
        else
        {
            string candidate = Path.Combine(directory, FileName);
            path = File.Exists(candidate) ? candidate : null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (path is not null)
        {
            Read(path, values);
        }

        return new CliSettings(values, environment, path);
    }

    /// <summary>The value of <paramref name="key"/>: the flag when given, else the environment variable, else the file.</summary>
    public string? Get(string key, string? flag)
    {
        if (!string.IsNullOrWhiteSpace(flag))
        {
            return flag;
        }

        if (Keys.TryGetValue(key, out string? variable) && _environment(variable) is { } env && !string.IsNullOrWhiteSpace(env))
        {
            return env;
        }

        return _file.TryGetValue(key, out string? value) && !string.IsNullOrWhiteSpace(value) ? value : null;
    }

    /// <summary>Like <see cref="Get"/>, but a missing value is a usage error naming the flag, variable and key.</summary>
    public string Require(string key, string? flag, string flagName) =>
        Get(key, flag) ?? throw new CliUsageException(
            $"Missing {flagName}: pass {flagName} <value>, set {Keys[key]}, or put \"{key}\" in {FileName}.");

    /// <summary>An integer setting (flag, environment, file), or <paramref name="fallback"/>.</summary>
    public int GetInt(string key, int? flag, int fallback, string flagName)
    {
        if (flag is { } given)
        {
            return given;
        }

        string? text = Get(key, null);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new CliUsageException($"{flagName}: '{text}' (from {Keys[key]} or {FileName}) is not an integer.");
    }

    private static void Read(string path, Dictionary<string, string> values)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new CliUsageException($"Settings file '{path}' is not valid JSON: {ex.Message}", ex);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CliUsageException($"Settings file '{path}' must hold a JSON object.");
            }

            foreach (JsonProperty property in doc.RootElement.EnumerateObject())
            {
                if (!Keys.ContainsKey(property.Name))
                {
                    throw new CliUsageException($"Settings file '{path}': unknown key \"{property.Name}\" (known: {string.Join(", ", Keys.Keys)}).");
                }

                values[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString()!, // a string value
                    JsonValueKind.Number => property.Value.GetRawText(),
                    _ => throw new CliUsageException($"Settings file '{path}': \"{property.Name}\" must be a string or a number."),
                };
            }
        }
    }
}
