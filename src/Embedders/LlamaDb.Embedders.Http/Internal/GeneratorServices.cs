using LlamaDb.Embedders;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Embedders.Http.Internal;

/// <summary>What the Cohere and OpenAI-compatible generators share around their transport: GetService and DI wiring.</summary>
internal static class GeneratorServices
{
    /// <summary>
    /// A generator's <c>GetService</c>: its metadata, cache fingerprint, the <see cref="HttpClient"/> it sends with, or
    /// itself; nothing for a service key.
    /// </summary>
    public static object? GetService(object generator, Type serviceType, object? serviceKey, EmbeddingGeneratorMetadata metadata, EmbeddingCacheFingerprint fingerprint, HttpEmbeddingTransport transport)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return metadata;
        }

        if (serviceType == typeof(EmbeddingCacheFingerprint))
        {
            return fingerprint;
        }

        if (serviceType == typeof(HttpClient))
        {
            return transport.HttpClient;
        }

        return serviceType.IsInstanceOfType(generator) ? generator : null;
    }

    /// <summary>
    /// What a DI-created generator gets from the container: the named factory client (null without
    /// <c>IHttpClientFactory</c>), a logger and the clock.
    /// </summary>
    public static (HttpClient? HttpClient, ILogger? Logger, TimeProvider TimeProvider) Resolve<TGenerator>(IServiceProvider services, string httpClientName)
    {
        HttpClient? httpClient = services.GetService<IHttpClientFactory>()?.CreateClient(httpClientName);
        if (httpClient is not null)
        {
            // The factory's client keeps HttpClient's 100 s default; the generator's per-attempt Timeout governs instead.
            httpClient.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
        }

        return (httpClient, services.GetService<ILoggerFactory>()?.CreateLogger<TGenerator>(), services.GetService<TimeProvider>() ?? TimeProvider.System);
    }
}
