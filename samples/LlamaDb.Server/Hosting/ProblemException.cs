namespace LlamaDb.Server.Hosting;

/// <summary>An error answered as RFC 7807 problem details; <see cref="Limit"/> names the limit that was exceeded, if any.</summary>
internal sealed class ProblemException(int status, string title, string detail, string? limit = null, long? limitValue = null) : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public string? Limit { get; } = limit;

    public long? LimitValue { get; } = limitValue;

    public static ProblemException BadRequest(string detail) => new(StatusCodes.Status400BadRequest, "Invalid request", detail);

    public static ProblemException NotFound(string detail) => new(StatusCodes.Status404NotFound, "Not found", detail);

    public static ProblemException Conflict(string detail) => new(StatusCodes.Status409Conflict, "Conflict", detail);

    public static ProblemException LimitExceeded(string limit, long value, string detail, int status = StatusCodes.Status400BadRequest) =>
        new(status, $"Limit exceeded: {limit}", $"{detail} (limit {limit} = {value}).", limit, value);
}
