namespace LlamaDb.Connectors.Hnsw.Storage;

/// <summary>What <see cref="WriteAheadLog.Open"/> found in the log file.</summary>
/// <param name="Created">Whether the file did not exist and was created empty.</param>
/// <param name="BaseLsn">The LSN the file starts after (entries up to it were truncated by a checkpoint).</param>
/// <param name="EntryCount">The number of valid entries found.</param>
/// <param name="LastLsn">The LSN of the last valid entry, or <paramref name="BaseLsn"/> when there is none.</param>
/// <param name="TruncatedBytes">How many bytes of a torn tail were cut off; 0 when the file ended cleanly.</param>
/// <param name="TruncatedAtOffset">The file offset the torn tail started at, or <see langword="null"/> when there was none.</param>
/// <param name="FormatVersion">The file's format version (new files get <see cref="WalFormat.Version"/>; older files keep theirs).</param>
internal sealed record WalRecovery(bool Created, long BaseLsn, long EntryCount, long LastLsn, long TruncatedBytes, long? TruncatedAtOffset, int FormatVersion = WalFormat.Version)
{
    /// <summary>Gets a value indicating whether a torn tail (an entry cut short by a crash) was cut off.</summary>
    public bool TailTruncated => TruncatedBytes > 0;
}
