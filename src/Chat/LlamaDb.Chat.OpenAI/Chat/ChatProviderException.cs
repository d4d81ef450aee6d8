using System.Globalization;
using System.Net;

namespace LlamaDb.Chat.OpenAI;

/// <summary>
/// A chat-completions service refused a request or could not be reached. Carries the HTTP status and the service's error
/// message, type and code; never the API key (messages are redacted before they get here).
/// </summary>
public class ChatProviderException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public ChatProviderException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ChatProviderException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the underlying error.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying error.</param>
    public ChatProviderException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance for a response the provider sent (or failed to send).</summary>
    /// <param name="provider">The provider's name, e.g. <c>openai</c>.</param>
    /// <param name="statusCode">The HTTP status code, or <see langword="null"/> when no response arrived.</param>
    /// <param name="providerMessage">The provider's error message (already redacted), when it sent one.</param>
    /// <param name="errorType">The provider's error type, e.g. <c>invalid_request_error</c>.</param>
    /// <param name="errorCode">The provider's error code, e.g. <c>invalid_api_key</c>.</param>
    /// <param name="innerException">The underlying error.</param>
    public ChatProviderException(string provider, HttpStatusCode? statusCode, string? providerMessage, string? errorType, string? errorCode, Exception? innerException = null)
        : base(Describe(provider, statusCode, providerMessage, errorCode), innerException)
    {
        Provider = provider;
        StatusCode = statusCode;
        ProviderMessage = providerMessage;
        ErrorType = errorType;
        ErrorCode = errorCode;
    }

    /// <summary>Gets the provider's name.</summary>
    public string? Provider { get; }

    /// <summary>Gets the HTTP status code, or <see langword="null"/> when no response arrived.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Gets the provider's error message.</summary>
    public string? ProviderMessage { get; }

    /// <summary>Gets the provider's error type.</summary>
    public string? ErrorType { get; }

    /// <summary>Gets the provider's error code.</summary>
    public string? ErrorCode { get; }

    /// <summary>Gets a value indicating whether trying again later may succeed (408, 429 other than exhausted quota, 5xx, no response).</summary>
    public bool IsTransient => StatusCode switch
    {
        null => true,
        HttpStatusCode.TooManyRequests => !string.Equals(ErrorCode, "insufficient_quota", StringComparison.OrdinalIgnoreCase),
        HttpStatusCode.RequestTimeout => true,
        { } s => (int)s >= 500,
    };

    private static string Describe(string provider, HttpStatusCode? statusCode, string? providerMessage, string? errorCode)
    {
        string status = statusCode is { } s ? string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)s}") : "no response";
        string text = $"The {provider} chat request failed ({status})";
        if (!string.IsNullOrWhiteSpace(providerMessage))
        {
            text += ": " + providerMessage;
        }

        if (!string.IsNullOrWhiteSpace(errorCode))
        {
            text += $" (code {errorCode})";
        }

        return text;
    }
}
