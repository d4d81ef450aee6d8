using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Embedders.Http.Internal;

/// <summary>A contiguous slice of the inputs sent as one request.</summary>
internal readonly record struct InputBatch(int Start, int Count);

/// <summary>
/// Runs batches with a bounded number of requests in flight. Each batch writes its results into the caller's slots
/// (so results come back in input order whatever order batches finish in). A batch the provider finds too large is
/// split in halves, sent one half after the other; the first failure cancels the other batches and is rethrown.
/// </summary>
internal static class BatchRunner
{
    /// <summary>Sends one batch and writes its results; returns the tokens the provider billed, when it says.</summary>
    public delegate Task<long?> SendBatch(InputBatch batch, CancellationToken cancellationToken);

    /// <summary>Cuts <paramref name="costs"/> into contiguous batches of at most <paramref name="maxInputs"/> inputs and <paramref name="maxTokens"/> estimated tokens; an input above <paramref name="maxInputTokens"/> goes alone.</summary>
    public static List<InputBatch> Plan(IReadOnlyList<long> costs, int maxInputs, long maxTokens, long maxInputTokens)
    {
        var batches = new List<InputBatch>();
        int start = 0;
        int count = 0;
        long tokens = 0;
        for (int i = 0; i < costs.Count; i++)
        {
            long cost = costs[i];
            bool alone = cost > maxInputTokens || cost >= maxTokens;
            if (count > 0 && (alone || count == maxInputs || tokens + cost > maxTokens))
            {
                batches.Add(new InputBatch(start, count));
                count = 0;
                tokens = 0;
            }

            if (count == 0)
            {
                start = i;
            }

            count++;
            tokens += cost;
            if (alone)
            {
                batches.Add(new InputBatch(start, count));
                count = 0;
                tokens = 0;
            }
        }

        if (count > 0)
        {
            batches.Add(new InputBatch(start, count));
        }

        return batches;
    }

    /// <summary>Runs every batch; returns the summed billed tokens, or <see langword="null"/> when no response reported usage.</summary>
    public static async Task<long?> RunAsync(
        IReadOnlyList<InputBatch> batches, HttpEmbeddingTransport transport, SendBatch send, ILogger logger, CancellationToken cancellationToken)
    {
        if (batches.Count == 0)
        {
            return null;
        }

        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var state = new RunState(batches, transport, send, logger, failFast);
        var workers = new Task[Math.Min(batches.Count, transport.MaxConcurrency)];
        for (int i = 0; i < workers.Length; i++)
        {
            workers[i] = state.WorkAsync();
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (state.Failure is { } failure)
        {
            failure.Throw();
        }

        return state.HasUsage ? state.Tokens : null;
    }

    private sealed class RunState(
        IReadOnlyList<InputBatch> batches, HttpEmbeddingTransport transport, SendBatch send, ILogger logger, CancellationTokenSource failFast)
    {
        private readonly Lock _lock = new();
        private int _next = -1;
        private long _tokens;
        private bool _hasUsage;

        public ExceptionDispatchInfo? Failure { get; private set; }

        public long Tokens => _tokens;

        public bool HasUsage => _hasUsage;

        public async Task WorkAsync()
        {
            while (true)
            {
                int index = Interlocked.Increment(ref _next);
                if (index >= batches.Count || failFast.IsCancellationRequested)
                {
                    return;
                }

                try
                {
                    long? tokens = await SendSplittingAsync(batches[index], failFast.Token).ConfigureAwait(false);
                    if (tokens is { } billed)
                    {
                        lock (_lock)
                        {
                            _tokens += billed;
                            _hasUsage = true;
                        }
                    }
                }
                catch (Exception ex)
                {
                    lock (_lock)
                    {
                        // Keep the first real failure; cancellations caused by it (or by the caller) come second.
                        if (Failure is null || (Failure.SourceException is OperationCanceledException && ex is not OperationCanceledException))
                        {
                            Failure = ExceptionDispatchInfo.Capture(ex);
                        }
                    }

                    await failFast.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }

        private async Task<long?> SendSplittingAsync(InputBatch batch, CancellationToken cancellationToken)
        {
            OversizedRequestException oversized;
            await transport.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await send(batch, cancellationToken).ConfigureAwait(false);
            }
            catch (OversizedRequestException ex)
            {
                if (batch.Count == 1)
                {
                    throw ex.ProviderException;
                }

                oversized = ex;
            }
            finally
            {
                transport.Gate.Release();
            }

            Log.SplittingBatch(logger, transport.Provider, batch.Count, (int)(oversized.ProviderException.StatusCode ?? 0));
            int half = batch.Count / 2;
            long? first = await SendSplittingAsync(new InputBatch(batch.Start, half), cancellationToken).ConfigureAwait(false);
            long? second = await SendSplittingAsync(new InputBatch(batch.Start + half, batch.Count - half), cancellationToken).ConfigureAwait(false);
            return first is null && second is null ? null : (first ?? 0) + (second ?? 0);
        }
    }
}
