namespace LlamaDb.Connectors.Hnsw.Storage;

/// <summary>When a <see cref="WriteAheadLog"/> append counts as done.</summary>
internal enum WalDurability
{
    /// <summary>Every append writes its entry and flushes the file to disk before it returns. The default.</summary>
    FlushEveryWrite,

    /// <summary>
    /// Appends from concurrent writers share one flush to disk; each append still returns only after its own entry
    /// is durable, so the guarantee is the same as <see cref="FlushEveryWrite"/> with fewer flushes under load.
    /// </summary>
    GroupCommit,
}
