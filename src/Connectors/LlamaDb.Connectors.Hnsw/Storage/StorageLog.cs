using Microsoft.Extensions.Logging;

namespace LlamaDb.Connectors.Hnsw.Storage;

/// <summary>Source-generated log messages of the storage layer.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "Write-ahead log '{Path}' ended in a torn entry; truncated {Bytes} bytes at offset {Offset}. Recovered {EntryCount} entries, last LSN {LastLsn}.")]
    public static partial void TornTailTruncated(ILogger logger, string path, long bytes, long offset, long entryCount, long lastLsn);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information,
        Message = "Removed '{Path}', left behind by a write that did not finish.")]
    public static partial void StaleTempFileRemoved(ILogger logger, string path);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug,
        Message = "Write-ahead log '{Path}' opened: base LSN {BaseLsn}, {EntryCount} entries, last LSN {LastLsn}.")]
    public static partial void Opened(ILogger logger, string path, long baseLsn, long entryCount, long lastLsn);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Debug,
        Message = "Write-ahead log '{Path}' truncated through LSN {Lsn}; {KeptBytes} bytes of later entries kept.")]
    public static partial void TruncatedThrough(ILogger logger, string path, long lsn, long keptBytes);
}
