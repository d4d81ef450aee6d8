namespace LlamaDb.Embedders.Http.Internal;

/// <summary>Option validation that names the offending setting.</summary>
internal static class OptionChecks
{
    private static readonly TimeSpan s_maxTimeout = TimeSpan.FromDays(1);

    public static void AbsoluteHttp(Uri endpoint, string name)
    {
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"{name} must be an absolute http or https address; got '{endpoint}'.", LastPart(name));
        }
    }

    public static void Positive(long value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(LastPart(name), value, $"{name} must be positive.");
        }
    }

    public static void PositiveIfSet(int? value, string name)
    {
        if (value is { } v)
        {
            Positive(v, name);
        }
    }

    public static void Transport(int maxConcurrency, int maxRetries, TimeSpan retryDelay, TimeSpan maxRetryDelay, TimeSpan timeout, string prefix)
    {
        Positive(maxConcurrency, prefix + "MaxConcurrency");
        if (maxRetries is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException("MaxRetries", maxRetries, $"{prefix}MaxRetries must be between 0 and 100.");
        }

        if (retryDelay < TimeSpan.Zero || retryDelay > s_maxTimeout)
        {
            throw new ArgumentOutOfRangeException("RetryDelay", retryDelay, $"{prefix}RetryDelay must be between zero and one day.");
        }

        if (maxRetryDelay < retryDelay || maxRetryDelay > s_maxTimeout)
        {
            throw new ArgumentOutOfRangeException("MaxRetryDelay", maxRetryDelay, $"{prefix}MaxRetryDelay must be at least RetryDelay ({retryDelay}) and at most one day.");
        }

        if (timeout != Timeout.InfiniteTimeSpan && (timeout < TimeSpan.FromMilliseconds(10) || timeout > s_maxTimeout))
        {
            throw new ArgumentOutOfRangeException("Timeout", timeout, $"{prefix}Timeout must be between 10 milliseconds and one day, or infinite.");
        }
    }

    private static string LastPart(string name) => name[(name.LastIndexOf('.') + 1)..];
}
