using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Embedders.Http.Tests.Infrastructure;

/// <summary>Captures every log line (at every level, Trace included) with its structured values.</summary>
public sealed class ListLogger : ILogger, ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        string values = state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? string.Join(";", pairs.Select(pair => $"{pair.Key}={pair.Value}"))
            : "";
        _lines.Enqueue($"{logLevel}: {formatter(state, exception)} [{values}] {exception}");
    }

    public ILogger CreateLogger(string categoryName) => this;

    public void Dispose()
    {
    }
}
