using System.Net;

namespace LlamaDb.Retrieval;

/// <summary>A reranking service failed: an error status, a malformed response, a timeout or a transport error.</summary>
public sealed class RerankerException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RerankerException()
        : this("The reranking service failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public RerankerException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RerankerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an HTTP response.</summary>
    /// <param name="statusCode">The response status, or null when no response was received.</param>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, if any.</param>
    public RerankerException(HttpStatusCode? statusCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    /// <summary>Gets the HTTP status of the failed response, or null when no response was received.</summary>
    public HttpStatusCode? StatusCode { get; }
}
