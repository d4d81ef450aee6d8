using System.Runtime.ExceptionServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using EmbeddingClient = OpenAI.Embeddings.EmbeddingClient;

namespace LlamaDb.Embedders.OpenAI;

/// <summary>
/// An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over the OpenAI SDK's embeddings client, for OpenAI and for
/// Azure OpenAI's v1 API. Splits calls into requests within the service's limits (inputs and estimated tokens per request,
/// tokens per input), sends a bounded number at once, retries throttling and server errors with backoff (honoring
/// <c>Retry-After</c>), splits a request the service finds too large, and returns vectors in input order with usage summed.
/// </summary>
/// <remarks>
/// Failures surface as <see cref="EmbeddingProviderException"/> carrying the HTTP status and the service's message, never
/// the API key. <see cref="GetService(Type, object?)"/> hands out the underlying <see cref="EmbeddingClient"/> and the
/// <see cref="EmbeddingGeneratorMetadata"/>.
/// </remarks>
public sealed partial class OpenAIEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingClient _client;
    private readonly string _provider;
    private readonly string _model;
    private readonly string? _secret;
    private readonly OpenAIEmbeddingSettings _settings;
    private readonly EmbeddingGeneratorMetadata _metadata;
    private readonly SemaphoreSlim _gate;
    private readonly EmbeddingCacheFingerprint _fingerprint;
    private readonly ILogger _logger;
    private bool _disposed;

    /// <summary>Initializes a generator for OpenAI (or a service with OpenAI's API at <see cref="OpenAIEmbeddingOptions.Endpoint"/>).</summary>
    /// <param name="options">The settings; the key falls back to <c>OPENAI_API_KEY</c>.</param>
    /// <param name="logger">Receives retry, split and truncation events; never keys, texts only at Trace.</param>
    /// <exception cref="InvalidOperationException">No API key is set anywhere.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public OpenAIEmbeddingGenerator(OpenAIEmbeddingOptions options, ILogger? logger = null)
        : this(ClientSetup.ForOpenAI(options), logger)
    {
    }

    /// <summary>Initializes a generator for an Azure OpenAI deployment through the resource's <c>/openai/v1/</c> API.</summary>
    /// <param name="options">The settings; key and endpoint fall back to <c>AZURE_OPENAI_API_KEY</c> and <c>AZURE_OPENAI_ENDPOINT</c>.</param>
    /// <param name="logger">Receives retry, split and truncation events; never keys, texts only at Trace.</param>
    /// <exception cref="InvalidOperationException">The key, endpoint or deployment is missing.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public OpenAIEmbeddingGenerator(AzureOpenAIEmbeddingOptions options, ILogger? logger = null)
        : this(ClientSetup.ForAzure(options), logger)
    {
    }

    internal OpenAIEmbeddingGenerator(ClientSetup setup, ILogger? logger)
    {
        _client = setup.Client;
        _provider = setup.Provider;
        _model = setup.Model;
        _secret = setup.Secret;
        _settings = setup.Settings;
        _logger = logger ?? NullLogger.Instance;
        _gate = new SemaphoreSlim(_settings.MaxConcurrency, _settings.MaxConcurrency);
        _metadata = new EmbeddingGeneratorMetadata(
            setup.Provider,
            setup.Endpoint,
            setup.Model,
            _settings.Dimensions ?? OpenAIEmbeddingDefaults.KnownDimensions(setup.Model));
        _fingerprint = EmbeddingCacheFingerprint.From(("dimensions", _settings.Dimensions));
    }

    /// <summary>Gets or sets how the generator waits between retries; tests replace it to observe delays without waiting.</summary>
    internal Func<TimeSpan, CancellationToken, Task> DelayAsync { get; set; } = Task.Delay;

    /// <inheritdoc />
    /// <remarks>
    /// <see cref="EmbeddingGenerationOptions.ModelId"/> overrides the model (deployment on Azure) and
    /// <see cref="EmbeddingGenerationOptions.Dimensions"/> the dimensions; <c>AdditionalProperties["user"]</c> is sent as
    /// the API's <c>user</c>.
    /// </remarks>
    /// <exception cref="ArgumentException">An input is null or empty, or (with <see cref="OversizedInputBehavior.Throw"/>) over the per-input limit; the message names its index.</exception>
    /// <exception cref="EmbeddingProviderException">The service refused a request, kept failing past the retries, timed out or answered malformed JSON.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(_disposed, this);

        string model = string.IsNullOrWhiteSpace(options?.ModelId) ? _model : options.ModelId;
        int? dimensions = options?.Dimensions ?? _settings.Dimensions;
        if (dimensions is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), dimensions, "EmbeddingGenerationOptions.Dimensions must be positive when set.");
        }

        string? user = null;
        if (options?.AdditionalProperties?.TryGetValue("user", out string? u) == true)
        {
            user = u;
        }

        string[] inputs = [.. values];
        List<InputBatch> batches = PlanBatches(inputs);
        var state = new RequestState(inputs, model, dimensions, user);
        if (batches.Count == 1)
        {
            await RunBatchAsync(state, batches[0], failure: null, cancellationToken).ConfigureAwait(false);
        }
        else if (batches.Count > 1)
        {
            await RunBatchesAsync(state, batches, cancellationToken).ConfigureAwait(false);
        }

        var result = new GeneratedEmbeddings<Embedding<float>>(inputs.Length);
        for (int i = 0; i < inputs.Length; i++)
        {
            // Every batch either filled its slots or threw, so each slot is set here.
            result.Add(new Embedding<float>(state.Vectors[i]!) { ModelId = state.Models[i] ?? model });
        }

        if (state.HasUsage)
        {
            result.Usage = new UsageDetails { InputTokenCount = state.PromptTokens, TotalTokenCount = state.TotalTokens };
        }

        return result;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return _metadata;
        }

        if (serviceType == typeof(EmbeddingCacheFingerprint))
        {
            return _fingerprint;
        }

        if (serviceType == typeof(EmbeddingClient))
        {
            return _client;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true; // _gate is not disposed: a call still in flight must be able to Release it in its finally.
        }
    }

    private async Task RunBatchAsync(RequestState state, InputBatch batch, CancellationTokenSource? failure, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await EmbedRangeAsync(state, batch.Start, batch.Count, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (failure is not null)
        {
            // Record and cancel before the slot is released, so no waiting batch of this call starts a request after a failure.
            if (!(e is OperationCanceledException && failure.IsCancellationRequested))
            {
                Interlocked.CompareExchange(ref state.FirstError, e, null);
            }

            await failure.CancelAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RunBatchesAsync(RequestState state, List<InputBatch> batches, CancellationToken cancellationToken)
    {
        // The first failure cancels the batches still waiting or in flight; the caller sees that failure, not the cancellations.
        using var failure = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = new Task[batches.Count];
        for (int i = 0; i < batches.Count; i++)
        {
            tasks[i] = RunObservedAsync(state, batches[i], failure);
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (state.FirstError is { } error)
        {
            ExceptionDispatchInfo.Throw(error);
        }
    }

    private async Task RunObservedAsync(RequestState state, InputBatch batch, CancellationTokenSource failure)
    {
        try
        {
            await RunBatchAsync(state, batch, failure, failure.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Already recorded by RunBatchAsync; RunBatchesAsync rethrows it once every batch has stopped.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
