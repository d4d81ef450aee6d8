using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaDb.Embedders;

/// <summary>
/// A stage that records each call as an <see cref="Activity"/> and as metrics, following the OpenTelemetry GenAI
/// semantic conventions for embeddings: activity <c>embeddings {model}</c> (kind Client) with
/// <c>gen_ai.operation.name</c>, <c>gen_ai.provider.name</c>, <c>gen_ai.request.model</c>,
/// <c>gen_ai.response.model</c>, <c>gen_ai.usage.input_tokens</c>, <c>gen_ai.embeddings.dimension.count</c>,
/// <c>server.address</c>/<c>server.port</c> and <c>error.type</c>; histograms <c>gen_ai.client.operation.duration</c>
/// (s) and <c>gen_ai.client.token.usage</c> ({token}, <c>gen_ai.token.type</c> = input).
/// </summary>
/// <typeparam name="TInput">The input type.</typeparam>
/// <typeparam name="TEmbedding">The embedding type.</typeparam>
public sealed class OpenTelemetryEmbeddingGenerator<TInput, TEmbedding> : DelegatingEmbeddingGenerator<TInput, TEmbedding>
    where TEmbedding : Embedding
{
    /// <summary>The default name of the <see cref="ActivitySource"/> and <see cref="Meter"/>.</summary>
    public const string DefaultSourceName = "LlamaDb.Embeddings";

    private const string OperationName = "embeddings";

    private readonly ActivitySource _activitySource;
    private readonly Meter _meter;
    private readonly Histogram<double> _operationDuration;
    private readonly Histogram<long> _tokenUsage;
    private readonly ILogger _logger;
    private readonly string? _providerName;
    private readonly string? _defaultModelId;
    private readonly int? _defaultDimensions;
    private readonly string? _serverAddress;
    private readonly int _serverPort;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="innerGenerator">The generator to wrap.</param>
    /// <param name="logger">Logs telemetry problems at Debug; none when <see langword="null"/>.</param>
    /// <param name="sourceName">The name of the activity source and meter. Defaults to <see cref="DefaultSourceName"/>.</param>
    public OpenTelemetryEmbeddingGenerator(IEmbeddingGenerator<TInput, TEmbedding> innerGenerator, ILogger? logger = null, string? sourceName = null)
        : base(innerGenerator)
    {
        _logger = logger ?? NullLogger.Instance;
        string name = string.IsNullOrEmpty(sourceName) ? DefaultSourceName : sourceName;
        if (innerGenerator.GetService(typeof(EmbeddingGeneratorMetadata)) is EmbeddingGeneratorMetadata metadata)
        {
            _providerName = metadata.ProviderName;
            _defaultModelId = metadata.DefaultModelId;
            _defaultDimensions = metadata.DefaultModelDimensions;
            if (metadata.ProviderUri is { } uri)
            {
                _serverAddress = uri.Host;
                _serverPort = uri.Port;
            }
        }

        _activitySource = new ActivitySource(name);
        _meter = new Meter(name);
        _operationDuration = _meter.CreateHistogram<double>(
            "gen_ai.client.operation.duration",
            unit: "s",
            description: "GenAI operation duration.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92] });
        _tokenUsage = _meter.CreateHistogram<long>(
            "gen_ai.client.token.usage",
            unit: "{token}",
            description: "Measures number of input and output tokens used.",
            tags: null,
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864] });
    }

    /// <inheritdoc />
    public override async Task<GeneratedEmbeddings<TEmbedding>> GenerateAsync(
        IEnumerable<TInput> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        string? requestModel = options?.ModelId ?? _defaultModelId;
        int? requestDimensions = options?.Dimensions ?? _defaultDimensions;
        bool recordMetrics = _operationDuration.Enabled || _tokenUsage.Enabled;
        long started = recordMetrics ? Stopwatch.GetTimestamp() : 0;

        using Activity? activity = StartActivity(requestModel, requestDimensions);
        GeneratedEmbeddings<TEmbedding>? result = null;
        Exception? error = null;
        try
        {
            result = await base.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (Exception e)
        {
            error = e;
            throw;
        }
        finally
        {
            Record(activity, requestModel, requestDimensions, result, error, recordMetrics ? Stopwatch.GetElapsedTime(started) : null);
        }
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(ActivitySource) ? _activitySource
            : serviceKey is null && serviceType == typeof(Meter) ? _meter
            : base.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _activitySource.Dispose();
            _meter.Dispose();
        }

        base.Dispose(disposing);
    }

    private Activity? StartActivity(string? requestModel, int? requestDimensions)
    {
        if (!_activitySource.HasListeners())
        {
            return null;
        }

        Activity? activity = _activitySource.StartActivity(
            string.IsNullOrEmpty(requestModel) ? OperationName : $"{OperationName} {requestModel}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("gen_ai.operation.name", OperationName);
            if (_providerName is not null)
            {
                activity.SetTag("gen_ai.provider.name", _providerName);
            }

            if (requestModel is not null)
            {
                activity.SetTag("gen_ai.request.model", requestModel);
            }

            if (requestDimensions is { } dimensions)
            {
                activity.SetTag("gen_ai.embeddings.dimension.count", dimensions);
            }

            if (_serverAddress is not null)
            {
                activity.SetTag("server.address", _serverAddress);
                activity.SetTag("server.port", _serverPort);
            }
        }

        return activity;
    }

    private void Record(Activity? activity, string? requestModel, int? requestDimensions, GeneratedEmbeddings<TEmbedding>? result, Exception? error, TimeSpan? duration)
    {
        string? responseModel = null;
        int? responseDimensions = null;
        if (result is { Count: > 0 } && result[0] is { } first)
        {
            responseModel = first.ModelId;
            responseDimensions = first.Dimensions;
        }

        long? inputTokens = result?.Usage?.InputTokenCount;
        string? errorType = error?.GetType().FullName;

        if (duration is { } elapsed)
        {
            TagList tags = BaseTags(requestModel, responseModel);
            if (errorType is not null)
            {
                tags.Add("error.type", errorType);
            }

            _operationDuration.Record(elapsed.TotalSeconds, tags);
            if (inputTokens is { } tokens && _tokenUsage.Enabled)
            {
                TagList tokenTags = BaseTags(requestModel, responseModel);
                tokenTags.Add("gen_ai.token.type", "input");
                _tokenUsage.Record(tokens, tokenTags);
            }
        }

        if (activity is null)
        {
            return;
        }

        if (error is not null)
        {
            activity.SetTag("error.type", errorType);
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
            TelemetryLog.OperationFailed(_logger, errorType!, activity.TraceId.ToString()); // set with error
            return;
        }

        if (responseModel is not null)
        {
            activity.SetTag("gen_ai.response.model", responseModel);
        }

        if (inputTokens is { } usage)
        {
            activity.SetTag("gen_ai.usage.input_tokens", usage);
        }

        if (requestDimensions is null && responseDimensions is { } dimensions)
        {
            activity.SetTag("gen_ai.embeddings.dimension.count", dimensions);
        }
    }

    private TagList BaseTags(string? requestModel, string? responseModel)
    {
        var tags = new TagList { { "gen_ai.operation.name", OperationName } };
        if (_providerName is not null)
        {
            tags.Add("gen_ai.provider.name", _providerName);
        }

        if (requestModel is not null)
        {
            tags.Add("gen_ai.request.model", requestModel);
        }

        if (responseModel is not null)
        {
            tags.Add("gen_ai.response.model", responseModel);
        }

        if (_serverAddress is not null)
        {
            tags.Add("server.address", _serverAddress);
            tags.Add("server.port", _serverPort);
        }

        return tags;
    }
}
