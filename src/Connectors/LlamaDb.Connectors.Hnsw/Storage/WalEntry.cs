namespace LlamaDb.Connectors.Hnsw.Storage;

/// <summary>One entry read back from a <see cref="WriteAheadLog"/>.</summary>
/// <param name="Lsn">The log sequence number the append returned.</param>
/// <param name="Payload">The bytes that were appended; the caller owns this buffer.</param>
internal readonly record struct WalEntry(long Lsn, ReadOnlyMemory<byte> Payload);
