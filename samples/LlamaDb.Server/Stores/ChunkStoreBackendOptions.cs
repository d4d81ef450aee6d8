using Microsoft.Extensions.Logging;

namespace LlamaDb.Server.Stores;

/// <summary>How <see cref="ChunkStoreBackend.Open"/> opens a store.</summary>
internal sealed class ChunkStoreBackendOptions
{
    /// <summary>Gets or sets the logger factory handed to the store. Defaults to null (no logging).</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// Gets or sets whether folder-store writes become durable in groups (one flush per batch, as a bulk command wants)
    /// instead of at every write. Defaults to false.
    /// </summary>
    public bool GroupCommit { get; set; }
}
