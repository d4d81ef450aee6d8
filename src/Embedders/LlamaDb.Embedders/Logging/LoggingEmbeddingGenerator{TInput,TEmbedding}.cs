using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Embedders;

/// <summary>
/// A stage that logs each call: invoked (input count, Debug), completed (embedding count and duration, Debug), failed
/// (the exception, Error) and cancelled (Debug). Inputs, options and results are logged only when Trace is enabled.
/// </summary>
/// <typeparam name="TInput">The input type.</typeparam>
/// <typeparam name="TEmbedding">The embedding type.</typeparam>
public sealed class LoggingEmbeddingGenerator<TInput, TEmbedding> : DelegatingEmbeddingGenerator<TInput, TEmbedding>
    where TEmbedding : Embedding
{
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="innerGenerator">The generator to wrap.</param>
    /// <param name="logger">The logger.</param>
    public LoggingEmbeddingGenerator(IEmbeddingGenerator<TInput, TEmbedding> innerGenerator, ILogger logger)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
    }

    /// <summary>Gets or sets the serializer options for inputs and options logged at Trace. Defaults to <see cref="AIJsonUtilities.DefaultOptions"/>.</summary>
    public JsonSerializerOptions JsonSerializerOptions
    {
        get;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    } = AIJsonUtilities.DefaultOptions;

    /// <inheritdoc />
    public override async Task<GeneratedEmbeddings<TEmbedding>> GenerateAsync(
        IEnumerable<TInput> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!_logger.IsEnabled(LogLevel.Error))
        {
            return await base.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
        }

        TInput[] inputs = values as TInput[] ?? [.. values];
        bool debug = _logger.IsEnabled(LogLevel.Debug);
        if (_logger.IsEnabled(LogLevel.Trace))
        {
            EmbeddingLog.InvokedSensitive(_logger, inputs.Length, AsJson(inputs), AsJson(options));
        }
        else if (debug)
        {
            EmbeddingLog.Invoked(_logger, inputs.Length);
        }

        long started = Stopwatch.GetTimestamp();
        try
        {
            GeneratedEmbeddings<TEmbedding> result = await base.GenerateAsync(inputs, options, cancellationToken).ConfigureAwait(false);
            if (debug)
            {
                EmbeddingLog.Completed(_logger, result.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds, result.Usage?.InputTokenCount);
            }

            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            EmbeddingLog.Cancelled(_logger, inputs.Length);
            throw;
        }
        catch (Exception e)
        {
            EmbeddingLog.Failed(_logger, e, inputs.Length);
            throw;
        }
    }

    private string AsJson<T>(T value)
    {
        try
        {
            return JsonSerializer.Serialize(value, typeof(T), JsonSerializerOptions);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            return $"<not serializable: {e.GetType().Name}>";
        }
    }
}
