using System.Buffers.Binary;
using LlamaDb.Connectors.Hnsw.Storage;

namespace LlamaDb.Connectors.Hnsw.Tests.Storage;

/// <summary>
/// Format 2's "earlier entries were on disk" flag: a power loss can tear an entry of an unflushed group commit while
/// a later entry of the same group is complete. That tail was never acknowledged and is cut off; damage before an
/// entry written after a flush is real corruption and refuses to open.
/// </summary>
public sealed class WriteAheadLogGroupTailTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    /// <summary>Writes a version <paramref name="version"/> log by hand: entry i is flagged when <paramref name="flagged"/>(i).</summary>
    private static long[] WriteRaw(string path, byte[][] payloads, Func<int, bool> flagged, int version = WalFormat.Version)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        var header = new byte[WalFormat.HeaderSize];
        WalFormat.WriteHeader(header, baseLsn: 0, version);
        file.Write(header);
        var offsets = new long[payloads.Length];
        for (int i = 0; i < payloads.Length; i++)
        {
            offsets[i] = file.Position;
            var frame = new byte[WalFormat.FrameHeaderSize];
            WalFormat.WriteFrameHeader(frame, version, i + 1, payloads[i], flagged(i));
            file.Write(frame);
            file.Write(payloads[i]);
        }

        return offsets;
    }

    [Fact]
    public void Open_TornEntryFollowedOnlyByUnflaggedEntries_CutsTheUnflushedGroup()
    {
        byte[][] payloads = WalTestData.Payloads(31, 6, 80);
        string path = _directory.File("group.log");

        // Entries 1-3 were each written after a flush; 4-6 form one group written before its flush completed.
        long[] offsets = WriteRaw(path, payloads, i => i < 4);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[offsets[3] + WalFormat.FrameHeaderSize - 1] ^= 0x5A; // tear entry 4 (its LSN field); 5 and 6 stay valid
        File.WriteAllBytes(path, bytes);
        var logger = new CapturingLogger();

        using WriteAheadLog log = WriteAheadLog.Open(path, WalDurability.GroupCommit, logger);

        Assert.Equal(3, log.LastLsn);
        WalTestData.AssertEntries(payloads[..3], WalTestData.ReadAll(log));
        Assert.Equal(offsets[3], log.Recovery.TruncatedAtOffset);
        Assert.Single(logger.Warnings);
        Assert.Equal(4, log.Append([1, 2, 3]));
    }

    [Fact]
    public void Open_DamageBeforeAnEntryWrittenAfterAFlush_IsCorruption()
    {
        byte[][] payloads = WalTestData.Payloads(32, 6, 80);
        string path = _directory.File("flushed.log");

        // Entry 6 carries the flag: when it was written, entries 1-5 (including the damaged 4) were on disk.
        long[] offsets = WriteRaw(path, payloads, i => i is < 4 or 5);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[offsets[3] + WalFormat.FrameHeaderSize] ^= 0x01; // a flipped payload bit in entry 4
        File.WriteAllBytes(path, bytes);

        WalCorruptedException error = Assert.Throws<WalCorruptedException>(() => WriteAheadLog.Open(path, WalDurability.GroupCommit));

        Assert.Contains($"offset {offsets[3]}", error.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(path)); // left as it is
    }

    [Fact]
    public void Open_FlagBitFlipped_FailsTheChecksum()
    {
        byte[][] payloads = WalTestData.Payloads(33, 3, 40);
        string path = _directory.File("flag.log");
        long[] offsets = WriteRaw(path, payloads, _ => true);
        byte[] bytes = File.ReadAllBytes(path);
        uint first = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)offsets[2]));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)offsets[2]), first ^ WalFormat.PriorDurableFlag);
        File.WriteAllBytes(path, bytes);

        using WriteAheadLog log = WriteAheadLog.Open(path, WalDurability.FlushEveryWrite);

        Assert.Equal(2, log.LastLsn); // the last entry no longer checks out: a torn tail
    }

    [Fact]
    public void Version1Log_StillOpensAppendsAndTruncatesInItsOwnFormat()
    {
        byte[][] payloads = WalTestData.Payloads(34, 5, 60);
        string path = _directory.File("v1.log");
        WriteRaw(path, payloads, _ => false, version: 1);

        using (WriteAheadLog log = WriteAheadLog.Open(path, WalDurability.FlushEveryWrite))
        {
            Assert.Equal(1, log.Recovery.FormatVersion);
            WalTestData.AssertEntries(payloads, WalTestData.ReadAll(log));
            Assert.Equal(6, log.Append([7, 7]));
            log.TruncateThrough(2);
        }

        using WriteAheadLog reopened = WriteAheadLog.Open(path, WalDurability.FlushEveryWrite);
        Assert.Equal(1, reopened.Recovery.FormatVersion);
        Assert.Equal(6, reopened.LastLsn);
        WalTestData.AssertEntries([.. payloads[2..], [7, 7]], [.. reopened.ReadFrom(2)], firstLsn: 3);
    }

    [Fact]
    public async Task NewLog_EntriesWrittenAfterTheirPredecessorsFlushed_CarryTheFlag()
    {
        string path = _directory.File("new.log");
        long second;
        using (WriteAheadLog log = WriteAheadLog.Open(path, WalDurability.GroupCommit))
        {
            log.WriteUnflushed([1]);
            second = new FileInfo(path).Length;
            log.WriteUnflushed([2]); // entry 1 not flushed yet: unflagged
            await log.MakeDurableAsync(2);
            log.WriteUnflushed([3]); // flagged
        }

        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(WalFormat.Version, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)));
        Assert.NotEqual(0u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(WalFormat.HeaderSize)) & WalFormat.PriorDurableFlag);
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)second)) & WalFormat.PriorDurableFlag);
        Assert.NotEqual(0u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)second + WalFormat.FrameHeaderSize + 1)) & WalFormat.PriorDurableFlag);
    }
}
