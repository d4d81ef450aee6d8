using System.Net;
using System.Text;
using System.Text.Json;

namespace LlamaDb.Embedders.Http.Internal;

/// <summary>Reads a provider's error message from an error response body and classifies it.</summary>
internal static class ProviderErrors
{
    private const int MaxMessageLength = 2000;

    private static readonly string[] s_oversizePhrases =
    [
        "too many", "too large", "too long", "maximum context length", "context length", "batch size",
        "exceeds", "exceeded", "at most", "payload", "max_tokens_per_request", "maximum request",
    ];

    private static readonly string[] s_sizeSubjects = ["token", "input", "text", "batch", "request", "payload", "context", "length"];

    /// <summary>
    /// Extracts the message from <c>{"message":..}</c>, <c>{"error":{"message":..}}</c>, <c>{"error":".."}</c> or
    /// <c>{"detail":..}</c>; otherwise the body as plain text. Occurrences of <paramref name="apiKey"/> are redacted.
    /// </summary>
    public static string? ExtractMessage(byte[] body, string? apiKey)
    {
        if (body.Length == 0)
        {
            return null;
        }

        string? message = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            message = FromJson(document.RootElement);
        }
        catch (JsonException)
        {
            // Not JSON: the body is the message.
        }

        message ??= Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, MaxMessageLength * 4));
        message = message.Trim();
        if (message.Length > MaxMessageLength)
        {
            message = string.Concat(message.AsSpan(0, MaxMessageLength), "...");
        }

        if (!string.IsNullOrEmpty(apiKey))
        {
            message = message.Replace(apiKey, "[redacted]", StringComparison.Ordinal);
        }

        return message.Length == 0 ? null : message;
    }

    /// <summary>Whether the provider refused the request for being too large, so splitting it may help.</summary>
    public static bool IsOversized(HttpStatusCode statusCode, string? message)
    {
        if (statusCode == HttpStatusCode.RequestEntityTooLarge)
        {
            return true;
        }

        if (statusCode is not (HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity) || string.IsNullOrEmpty(message))
        {
            return false;
        }

        return ContainsAny(message, s_oversizePhrases) && ContainsAny(message, s_sizeSubjects);
    }

    private static bool ContainsAny(string text, string[] phrases)
    {
        foreach (string phrase in phrases)
        {
            if (text.Contains(phrase, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static string? FromJson(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.String)
        {
            return root.GetString();
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (root.TryGetProperty("error", out JsonElement error))
        {
            if (error.ValueKind == JsonValueKind.String)
            {
                return error.GetString();
            }

            if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out JsonElement nested) && nested.ValueKind == JsonValueKind.String)
            {
                return nested.GetString();
            }
        }

        if (root.TryGetProperty("message", out JsonElement message) && message.ValueKind == JsonValueKind.String)
        {
            return message.GetString();
        }

        if (root.TryGetProperty("detail", out JsonElement detail))
        {
            return detail.ValueKind == JsonValueKind.String ? detail.GetString() : detail.GetRawText();
        }

        return null;
    }

    /// <summary>Runs a response parser; a malformed response becomes an <see cref="EmbeddingProviderException"/> (HTTP 200) wrapping the parser's <see cref="InvalidDataException"/>.</summary>
    public static T Malformed<T>(string provider, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (InvalidDataException ex)
        {
            throw new EmbeddingProviderException(provider, System.Net.HttpStatusCode.OK, "malformed response: " + ex.Message, ex);
        }
    }
}
