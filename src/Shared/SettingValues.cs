namespace LlamaDb.Shared;

/// <summary>Reading settings that come from several places (options, configuration, environment variables).</summary>
internal static class SettingValues
{
    /// <summary>The environment variable <paramref name="name"/> as an absolute URI; null when unset or blank.</summary>
    /// <exception cref="InvalidOperationException">The variable is set but not an absolute URI.</exception>
    public static Uri? AbsoluteUriFromEnvironment(string name)
    {
        string? text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return Uri.TryCreate(text.Trim(), UriKind.Absolute, out Uri? uri)
            ? uri
            : throw new InvalidOperationException($"{name} is not an absolute URI.");
    }

    /// <summary>The first value that is not null or blank, trimmed; null when there is none.</summary>
    public static string? FirstNonEmpty(params string?[] values)
    {
        foreach (string? value in values)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value.Trim();
            }
        }

        return null;
    }
}
