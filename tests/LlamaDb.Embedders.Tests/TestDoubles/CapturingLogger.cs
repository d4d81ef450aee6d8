using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Embedders.Tests.TestDoubles;

/// <summary>Keeps every message logged at or above <see cref="MinimumLevel"/>.</summary>
internal sealed class CapturingLoggerProvider(LogLevel minimumLevel) : ILoggerProvider, ILoggerFactory
{
    public LogLevel MinimumLevel { get; } = minimumLevel;

    public ConcurrentQueue<(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner.MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Entries.Enqueue((category, logLevel, eventId, formatter(state, exception), exception));
            }
        }
    }
}
