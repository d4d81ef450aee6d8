using Microsoft.Extensions.Logging;

namespace LlamaDb.Connectors.Hnsw.Tests.Storage;

/// <summary>A hand-written logger double that keeps every message.</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly Lock _lock = new();
    private readonly List<CapturedLog> _records = [];

    public IReadOnlyList<CapturedLog> Records
    {
        get
        {
            lock (_lock)
            {
                return [.. _records];
            }
        }
    }

    public IReadOnlyList<CapturedLog> Warnings => [.. Records.Where(r => r.Level == LogLevel.Warning)];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lock)
        {
            _records.Add(new CapturedLog(logLevel, eventId, formatter(state, exception)));
        }
    }
}
