using System.Text.RegularExpressions;

namespace LlamaDb.Shared;

/// <summary>
/// Removes API keys from provider messages before they reach exceptions or logs: the configured key verbatim, and anything
/// shaped like an OpenAI key (<c>sk-...</c>, which OpenAI's 401 messages echo in part).
/// </summary>
internal static partial class SecretRedactor
{
    public const string Mask = "[redacted]";

    public static string? Redact(string? text, string? secret)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        if (!string.IsNullOrEmpty(secret))
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return KeyShape().Replace(text, Mask);
    }

    [GeneratedRegex(@"\bsk-[A-Za-z0-9_\-\*\.]{6,}", RegexOptions.CultureInvariant)]
    private static partial Regex KeyShape();
}
