using System.Collections.Concurrent;

namespace LlamaDb.Embedders.Http.Tests.Infrastructure;

/// <summary>
/// A <see cref="TimeProvider"/> whose short timers (retry delays) fire at once and are recorded, so tests check how
/// long the client would have waited without waiting. Timers at or above <see cref="ImmediateBelow"/> (the per-request
/// timeout in tests) run on the system clock.
/// </summary>
public sealed class InstantTimeProvider : TimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _delays = new();

    public TimeSpan ImmediateBelow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The due times of the timers that fired at once, in creation order.</summary>
    public IReadOnlyList<TimeSpan> Delays => [.. _delays];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime == Timeout.InfiniteTimeSpan || dueTime >= ImmediateBelow)
        {
            return System.CreateTimer(callback, state, dueTime, period);
        }

        _delays.Enqueue(dueTime);
        ThreadPool.UnsafeQueueUserWorkItem(_ => callback(state), null);
        return new FiredTimer();
    }

    private sealed class FiredTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => default;
    }
}
