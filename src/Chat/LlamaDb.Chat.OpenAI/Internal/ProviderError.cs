using System.Globalization;
using System.Text.Json;

namespace LlamaDb.Chat.OpenAI;

/// <summary>The parts of an error body: OpenAI's <c>{"error":{"message","type","code"}}</c>, or <c>{"error":"text"}</c> as some compatible servers send.</summary>
internal readonly record struct ProviderError(string? Message, string? Type, string? Code)
{
    public static ProviderError Read(BinaryData? content)
    {
        if (content is null || content.ToMemory().IsEmpty)
        {
            return default;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(content.ToMemory());
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("error", out JsonElement error))
            {
                return new ProviderError(root.ValueKind == JsonValueKind.Object && root.TryGetProperty("message", out JsonElement m) ? AsText(m) : null, null, null);
            }

            if (error.ValueKind == JsonValueKind.String)
            {
                return new ProviderError(error.GetString(), null, null);
            }

            if (error.ValueKind != JsonValueKind.Object)
            {
                return default;
            }

            return new ProviderError(
                error.TryGetProperty("message", out JsonElement message) ? AsText(message) : null,
                error.TryGetProperty("type", out JsonElement type) ? AsText(type) : null,
                error.TryGetProperty("code", out JsonElement code) ? AsText(code) : null);
        }
        catch (JsonException)
        {
            return default; // Not JSON (an HTML error page from a proxy, say): the status alone has to do.
        }
    }

    private static string? AsText(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.GetRawText(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => string.Create(CultureInfo.InvariantCulture, $"{element.GetRawText()}"),
    };
}
