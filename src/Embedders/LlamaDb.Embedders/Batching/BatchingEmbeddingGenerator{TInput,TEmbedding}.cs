using System.Runtime.ExceptionServices;
using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders;

/// <summary>
/// A stage that splits each call into batches of at most <see cref="MaxBatchSize"/> inputs and keeps at most
/// <see cref="MaxConcurrency"/> inner calls in flight across all callers of this instance. Results come back in input
/// order with usage summed. When one batch fails, the others are cancelled and that failure is thrown.
/// </summary>
/// <typeparam name="TInput">The input type.</typeparam>
/// <typeparam name="TEmbedding">The embedding type.</typeparam>
public sealed class BatchingEmbeddingGenerator<TInput, TEmbedding> : DelegatingEmbeddingGenerator<TInput, TEmbedding>
    where TEmbedding : Embedding
{
    // Never disposed: a call still in flight when the generator is disposed must be able to Release in its finally
    // (SemaphoreSlim holds no unmanaged resource unless AvailableWaitHandle is used, which it is not here).
    private readonly SemaphoreSlim _inFlight;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="innerGenerator">The generator to wrap.</param>
    /// <param name="maxBatchSize">The most inputs per inner call.</param>
    /// <param name="maxConcurrency">The most inner calls in flight. Defaults to 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBatchSize"/> or <paramref name="maxConcurrency"/> is not positive.</exception>
    public BatchingEmbeddingGenerator(IEmbeddingGenerator<TInput, TEmbedding> innerGenerator, int maxBatchSize, int maxConcurrency = 1)
        : base(innerGenerator)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxConcurrency);
        MaxBatchSize = maxBatchSize;
        MaxConcurrency = maxConcurrency;
        _inFlight = new SemaphoreSlim(maxConcurrency, maxConcurrency);
    }

    /// <summary>Gets the most inputs per inner call.</summary>
    public int MaxBatchSize { get; }

    /// <summary>Gets the most inner calls in flight.</summary>
    public int MaxConcurrency { get; }

    /// <inheritdoc />
    public override async Task<GeneratedEmbeddings<TEmbedding>> GenerateAsync(
        IEnumerable<TInput> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        TInput[] inputs = values as TInput[] ?? [.. values];
        if (inputs.Length == 0)
        {
            return [];
        }

        if (inputs.Length <= MaxBatchSize)
        {
            return await GenerateBatchAsync(inputs, 0, options, cancellationToken).ConfigureAwait(false);
        }

        int batchCount = (inputs.Length + MaxBatchSize - 1) / MaxBatchSize;
        var batches = new Task<GeneratedEmbeddings<TEmbedding>>[batchCount];
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? firstFailure = null;
        for (int b = 0; b < batchCount; b++)
        {
            int start = b * MaxBatchSize;
            ArraySegment<TInput> batch = new(inputs, start, Math.Min(MaxBatchSize, inputs.Length - start));
            batches[b] = RunAsync(batch, start);
        }

        try
        {
            await Task.WhenAll(batches).ConfigureAwait(false);
        }
        catch (Exception) when (firstFailure is not null && !cancellationToken.IsCancellationRequested)
        {
            ExceptionDispatchInfo.Throw(firstFailure);
        }

        var result = new GeneratedEmbeddings<TEmbedding>(inputs.Length);
        foreach (Task<GeneratedEmbeddings<TEmbedding>> task in batches)
        {
            GeneratedEmbeddings<TEmbedding> part = task.Result; // completed: awaited by WhenAll above
            result.AddRange(part);
            if (part.Usage is { } usage)
            {
                (result.Usage ??= new UsageDetails()).Add(usage);
            }

            if (part.AdditionalProperties is { } properties)
            {
                result.AdditionalProperties ??= [];
                foreach (KeyValuePair<string, object?> property in properties)
                {
                    result.AdditionalProperties[property.Key] = property.Value;
                }
            }
        }

        return result;

        async Task<GeneratedEmbeddings<TEmbedding>> RunAsync(ArraySegment<TInput> batch, int start)
        {
            try
            {
                return await GenerateBatchAsync(batch, start, options, failed.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !failed.IsCancellationRequested)
            {
                // The first real failure wins; cancellations it causes in the other batches are not reported.
                if (Interlocked.CompareExchange(ref firstFailure, e, null) is null)
                {
                    await failed.CancelAsync().ConfigureAwait(false);
                }

                throw;
            }
        }
    }

    private async Task<GeneratedEmbeddings<TEmbedding>> GenerateBatchAsync(
        IReadOnlyCollection<TInput> batch, int start, EmbeddingGenerationOptions? options, CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        GeneratedEmbeddings<TEmbedding> result;
        try
        {
            // A slot released as the call is cancelled can still be handed to this waiter; never start work then.
            cancellationToken.ThrowIfCancellationRequested();
            result = await base.GenerateAsync(batch, options, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The inner embedding generator returned null.");
        }
        finally
        {
            _inFlight.Release();
        }

        if (result.Count != batch.Count)
        {
            throw new InvalidOperationException(
                $"The inner embedding generator returned {result.Count} embeddings for the {batch.Count} inputs starting at index {start}.");
        }

        return result;
    }
}
