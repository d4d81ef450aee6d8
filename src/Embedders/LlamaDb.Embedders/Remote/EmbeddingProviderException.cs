using System.Net;

namespace LlamaDb.Embedders;

/// <summary>
/// A hosted embedding provider refused or failed a request. Carries the HTTP status code and the provider's own error
/// message; never the API key or the request's texts.
/// </summary>
public class EmbeddingProviderException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public EmbeddingProviderException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public EmbeddingProviderException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the underlying error.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying error.</param>
    public EmbeddingProviderException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance for a response the provider sent.</summary>
    /// <param name="provider">The provider's name, e.g. "openai" or "cohere".</param>
    /// <param name="statusCode">The HTTP status code, or <see langword="null"/> when no response arrived.</param>
    /// <param name="providerMessage">The provider's error message, when it sent one.</param>
    /// <param name="innerException">The underlying error.</param>
    public EmbeddingProviderException(string provider, HttpStatusCode? statusCode, string? providerMessage, Exception? innerException = null)
        : base(Describe(provider, statusCode, providerMessage), innerException)
    {
        Provider = provider;
        StatusCode = statusCode;
        ProviderMessage = providerMessage;
    }

    /// <summary>Gets the provider's name, as in <c>gen_ai.provider.name</c>: "openai", "azure.ai.openai", "cohere" (OpenTelemetry well-known values) or "openai-compatible" (LlamaDb's own).</summary>
    public string? Provider { get; }

    /// <summary>Gets the HTTP status code, or <see langword="null"/> when the request got no response (timeout, transport error).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Gets the provider's error message, when it sent one.</summary>
    public string? ProviderMessage { get; }

    private static string Describe(string provider, HttpStatusCode? statusCode, string? providerMessage)
    {
        string status = statusCode is { } code ? $"HTTP {(int)code} ({code})" : "no response";
        return string.IsNullOrWhiteSpace(providerMessage)
            ? $"The {provider} embedding request failed: {status}."
            : $"The {provider} embedding request failed: {status}: {providerMessage}";
    }
}
