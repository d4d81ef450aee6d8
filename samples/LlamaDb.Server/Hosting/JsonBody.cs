using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlamaDb.Server.Hosting;

/// <summary>Reads JSON request bodies: the body-size limit first, malformed JSON as a 400 problem naming where it broke.</summary>
internal static class JsonBody
{
    /// <summary>camelCase for LlamaDb's own endpoints; the OpenAI and Cohere shapes name their fields with attributes.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        AllowTrailingCommas = false,
    };

    public static async Task<T> ReadAsync<T>(HttpContext context, ServerLimits limits)
        where T : class
    {
        CheckLength(context, limits);
        // A JSON media type is required: without it a browser can send the body cross-site as a "simple" request (text/plain, no preflight).
        if (!context.Request.HasJsonContentType())
        {
            string sent = context.Request.ContentType is { Length: > 0 } contentType ? $"'{contentType}'" : "no Content-Type";
            throw new ProblemException(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", $"Send the request body with Content-Type: application/json; the request has {sent}.");
        }

        T? value;
        try
        {
            value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, Options, context.RequestAborted);
        }
        catch (JsonException ex)
        {
            string where = ex.Path is null ? string.Empty : $" at {ex.Path}";
            string line = ex.LineNumber is { } l ? $" (line {l + 1}, byte {ex.BytePositionInLine + 1})" : string.Empty;
            throw new ProblemException(StatusCodes.Status400BadRequest, "Malformed JSON", $"The request body is not valid JSON for this endpoint{where}{line}: {FirstSentence(ex.Message)}");
        }

        return value ?? throw new ProblemException(StatusCodes.Status400BadRequest, "Malformed JSON", "The request body is empty or null; send a JSON object.");
    }

    public static void CheckLength(HttpContext context, ServerLimits limits)
    {
        if (context.Request.ContentLength is { } length && length > limits.MaxRequestBodyBytes)
        {
            throw ProblemException.LimitExceeded(nameof(ServerLimits.MaxRequestBodyBytes), limits.MaxRequestBodyBytes,
                $"The request body has {length} bytes", StatusCodes.Status413PayloadTooLarge);
        }
    }

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
