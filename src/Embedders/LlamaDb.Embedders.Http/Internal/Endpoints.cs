namespace LlamaDb.Embedders.Http.Internal;

/// <summary>Builds a provider's request address from the configured base address.</summary>
internal static class Endpoints
{
    /// <summary>Appends <paramref name="versionSegment"/>/<paramref name="operation"/> to <paramref name="baseAddress"/>, skipping the parts it already ends with.</summary>
    public static Uri Combine(Uri baseAddress, string versionSegment, string operation)
    {
        string path = baseAddress.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/" + operation, StringComparison.OrdinalIgnoreCase))
        {
            return baseAddress;
        }

        string suffix = path.EndsWith("/" + versionSegment, StringComparison.OrdinalIgnoreCase)
            ? "/" + operation
            : "/" + versionSegment + "/" + operation;
        var builder = new UriBuilder(baseAddress) { Path = path + suffix };
        return builder.Uri;
    }
}
