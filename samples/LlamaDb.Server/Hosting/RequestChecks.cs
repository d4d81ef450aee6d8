namespace LlamaDb.Server.Hosting;

/// <summary>The limit checks every endpoint shares; each failure names its limit.</summary>
internal static class RequestChecks
{
    public static void Inputs(ServerLimits limits, int count, string what)
    {
        if (count > limits.MaxInputsPerRequest)
        {
            throw ProblemException.LimitExceeded(nameof(ServerLimits.MaxInputsPerRequest), limits.MaxInputsPerRequest, $"The request has {count} {what}");
        }
    }

    public static int Top(ServerLimits limits, int? top, int fallback, string field = "top")
    {
        int value = top ?? fallback;
        if (value <= 0)
        {
            throw ProblemException.BadRequest($"'{field}' must be positive; it is {value}.");
        }

        if (value > limits.MaxTop)
        {
            throw ProblemException.LimitExceeded(nameof(ServerLimits.MaxTop), limits.MaxTop, $"'{field}' is {value}");
        }

        return value;
    }

    public static string Text(ServerLimits limits, string? text, string what)
    {
        if (text is null)
        {
            throw ProblemException.BadRequest($"{what} is missing.");
        }

        if (text.Length > limits.MaxTextLength)
        {
            throw ProblemException.LimitExceeded(nameof(ServerLimits.MaxTextLength), limits.MaxTextLength, $"{what} has {text.Length} characters");
        }

        return text;
    }

    public static string NonEmptyText(ServerLimits limits, string? text, string what)
    {
        string value = Text(limits, text, what);
        return string.IsNullOrWhiteSpace(value) ? throw ProblemException.BadRequest($"{what} is empty.") : value;
    }
}
