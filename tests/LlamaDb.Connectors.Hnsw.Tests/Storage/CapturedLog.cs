using Microsoft.Extensions.Logging;

namespace LlamaDb.Connectors.Hnsw.Tests.Storage;

/// <summary>One message a <see cref="CapturingLogger"/> received.</summary>
internal sealed record CapturedLog(LogLevel Level, EventId EventId, string Message);
