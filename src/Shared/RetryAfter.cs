using System.Globalization;

namespace LlamaDb.Shared;

/// <summary>
/// Reads how long a provider asked the client to wait: <c>retry-after-ms</c> (OpenAI, Azure), then <c>Retry-After</c>
/// (seconds or an HTTP-date); a date in the past is no wait. Linked (src/Shared) into the packages that call HTTP APIs.
/// </summary>
internal static class RetryAfter
{
    public static TimeSpan? Read(HttpResponseMessage response, TimeProvider timeProvider)
    {
        if (response.Headers.TryGetValues("retry-after-ms", out IEnumerable<string>? msValues))
        {
            foreach (string value in msValues)
            {
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) && ms >= 0 && double.IsFinite(ms))
                {
                    return TimeSpan.FromMilliseconds(ms);
                }
            }
        }

        if (response.Headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta)
            {
                return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            }

            if (retryAfter.Date is { } date)
            {
                TimeSpan wait = date - timeProvider.GetUtcNow();
                return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
            }
        }

        return null;
    }
}
