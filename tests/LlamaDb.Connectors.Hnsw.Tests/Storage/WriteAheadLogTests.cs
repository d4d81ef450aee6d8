using System.Collections.Concurrent;
using LlamaDb.Connectors.Hnsw.Storage;

namespace LlamaDb.Connectors.Hnsw.Tests.Storage;

public sealed class WriteAheadLogTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Open_MissingFile_CreatesEmptyLogWithHeader()
    {
        string path = _directory.File("sub/wal.log");
        using (WriteAheadLog log = WriteAheadLog.Open(path, WalDurability.FlushEveryWrite))
        {
            Assert.True(log.Recovery.Created);
            Assert.Equal(0, log.LastLsn);
            Assert.Equal(0, log.BaseLsn);
            Assert.Empty(log.ReadFrom(0));
        }

        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(WalFormat.HeaderSize, bytes.Length);
        Assert.Equal("LDBWAL\0\0"u8.ToArray(), bytes[..8]);
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Append_ThenReopen_ReadsEveryEntryBack(bool groupCommit)
    {
        WalDurability durability = groupCommit ? WalDurability.GroupCommit : WalDurability.FlushEveryWrite;
        string path = _directory.File("wal.log");
        byte[][] payloads = [[], [42], new byte[1008], new byte[1009], new byte[70_000], .. WalTestData.Payloads(1, 20, 3000)];
        new Random(2).NextBytes(payloads[4]);
        using (WriteAheadLog log = WriteAheadLog.Open(path, durability))
        {
            for (int i = 0; i < payloads.Length; i++)
            {
                Assert.Equal(i + 1, log.Append(payloads[i]));
            }

            Assert.Equal(payloads.Length, log.LastLsn);
            WalTestData.AssertEntries(payloads, WalTestData.ReadAll(log));
        }

        using WriteAheadLog reopened = WriteAheadLog.Open(path, durability);
        Assert.False(reopened.Recovery.Created);
        Assert.False(reopened.Recovery.TailTruncated);
        Assert.Equal(payloads.Length, reopened.Recovery.EntryCount);
        Assert.Equal(payloads.Length, reopened.LastLsn);
        WalTestData.AssertEntries(payloads, WalTestData.ReadAll(reopened));
        WalTestData.AssertEntries(payloads[5..], [.. reopened.ReadFrom(5)], firstLsn: 6);
        Assert.Empty(reopened.ReadFrom(payloads.Length));
    }

    [Fact]
    public void Lsns_ContinueAcrossReopenAndTruncateThrough()
    {
        string path = _directory.File("wal.log");
        byte[][] payloads = WalTestData.Payloads(3, 10, 100);
        using (WriteAheadLog log = WriteAheadLog.Open(path, WalDurability.FlushEveryWrite))
        {
            for (int i = 0; i < 5; i++)
            {
                log.Append(payloads[i]);
            }
        }

        using (WriteAheadLog log = WriteAheadLog.Open(path, WalDurability.FlushEveryWrite))
        {
            Assert.Equal(5, log.LastLsn);
            Assert.Equal(6, log.Append(payloads[5]));
            Assert.Equal(7, log.Append(payloads[6]));
            log.TruncateThrough(6);
            Assert.Equal(6, log.BaseLsn);
            Assert.Equal(7, log.LastLsn);
            WalTestData.AssertEntries(payloads[6..7], [.. log.ReadFrom(6)], firstLsn: 7);
            Assert.Equal(8, log.Append(payloads[7]));
        }

        using (WriteAheadLog log = WriteAheadLog.Open(path, WalDurability.GroupCommit))
        {
            Assert.Equal(6, log.BaseLsn);
            Assert.Equal(8, log.LastLsn);
            WalTestData.AssertEntries(payloads[6..8], [.. log.ReadFrom(6)], firstLsn: 7);
            Assert.Throws<ArgumentOutOfRangeException>(() => log.ReadFrom(5));
            log.TruncateThrough(8);
            Assert.Empty(log.ReadFrom(8));
            log.TruncateThrough(3); // at or below the base: nothing to do
            Assert.Equal(8, log.BaseLsn);
        }

        Assert.Equal(WalFormat.HeaderSize, new FileInfo(path).Length);
        using (WriteAheadLog log = WriteAheadLog.Open(path, WalDurability.FlushEveryWrite))
        {
            Assert.Equal(8, log.LastLsn);
            Assert.Equal(9, log.Append(payloads[8]));
            Assert.Throws<ArgumentOutOfRangeException>(() => log.TruncateThrough(10));
        }

        using WriteAheadLog final = WriteAheadLog.Open(path, WalDurability.FlushEveryWrite);
        WalTestData.AssertEntries(payloads[8..9], [.. final.ReadFrom(8)], firstLsn: 9);
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void Open_LeftoverTempFromInterruptedTruncate_KeepsOldLogAndRemovesTemp()
    {
        string path = _directory.File("wal.log");
        byte[][] payloads = WalTestData.Payloads(4, 6, 200);
        WalTestData.WriteLog(path, payloads);

        // A crash after the new log was written under the temp name but before the rename: Open must not use it.
        string otherPath = _directory.File("other.log");
        using (WriteAheadLog other = WriteAheadLog.Open(otherPath, WalDurability.FlushEveryWrite))
        {
            other.Append([1, 2, 3]);
            other.TruncateThrough(1);
        }

        foreach (byte[] temp in new[] { File.ReadAllBytes(otherPath), [0xDE, 0xAD] })
        {
            File.WriteAllBytes(path + ".tmp", temp);
            var logger = new CapturingLogger();
            using WriteAheadLog log = WriteAheadLog.Open(path, WalDurability.FlushEveryWrite, logger);
            WalTestData.AssertEntries(payloads, WalTestData.ReadAll(log));
            Assert.False(File.Exists(path + ".tmp"));
            Assert.Contains(logger.Records, r => r.EventId.Id == 1002 && r.Message.Contains(path + ".tmp", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Append_FromManyThreads_EveryEntryPresentWithUniqueLsns(bool groupCommit)
    {
        WalDurability durability = groupCommit ? WalDurability.GroupCommit : WalDurability.FlushEveryWrite;
        const int Threads = 8;
        const int PerThread = 40;
        string path = _directory.File("wal.log");
        var acknowledged = new ConcurrentDictionary<long, byte[]>();
        using (WriteAheadLog log = WriteAheadLog.Open(path, durability))
        using (var start = new Barrier(Threads))
        {
            var threads = new Thread[Threads];
            for (int t = 0; t < Threads; t++)
            {
                int thread = t;
                threads[t] = new Thread(() =>
                {
                    byte[][] payloads = WalTestData.Payloads(100 + thread, PerThread, 600);
                    start.SignalAndWait();
                    foreach (byte[] payload in payloads)
                    {
                        Assert.True(acknowledged.TryAdd(log.Append(payload), payload));
                    }
                });
                threads[t].Start();
            }

            foreach (Thread thread in threads)
            {
                thread.Join();
            }

            Assert.Equal(Threads * PerThread, log.LastLsn);
        }

        Assert.Equal(Enumerable.Range(1, Threads * PerThread).Select(i => (long)i), acknowledged.Keys.Order());
        using WriteAheadLog reopened = WriteAheadLog.Open(path, durability);
        List<WalEntry> entries = WalTestData.ReadAll(reopened);
        Assert.Equal(Threads * PerThread, entries.Count);
        foreach (WalEntry entry in entries)
        {
            Assert.Equal(acknowledged[entry.Lsn], entry.Payload.ToArray());
        }
    }

    [Fact]
    public async Task AppendAsync_GroupCommitFromManyTasks_EveryEntryDurableWithUniqueLsns()
    {
        const int Tasks = 16;
        const int PerTask = 25;
        string path = _directory.File("wal.log");
        var acknowledged = new ConcurrentDictionary<long, byte[]>();
        await using (WriteAheadLog log = WriteAheadLog.Open(path, WalDurability.GroupCommit))
        {
            Task[] writers = [.. Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
            {
                foreach (byte[] payload in WalTestData.Payloads(200 + t, PerTask, 300))
                {
                    Assert.True(acknowledged.TryAdd(await log.AppendAsync(payload), payload));
                }
            }))];
            await Task.WhenAll(writers);
        }

        using WriteAheadLog reopened = WriteAheadLog.Open(path, WalDurability.GroupCommit);
        List<WalEntry> entries = WalTestData.ReadAll(reopened);
        Assert.Equal(Tasks * PerTask, entries.Count);
        foreach (WalEntry entry in entries)
        {
            Assert.Equal(acknowledged[entry.Lsn], entry.Payload.ToArray());
        }
    }

    [Fact]
    public async Task AppendAsync_GroupCommitWritersQueuedBehindOneFlush_ShareThatFlush()
    {
        string path = _directory.File("wal.log");
        byte[][] payloads = WalTestData.Payloads(5, 10, 100);
        await using WriteAheadLog log = WriteAheadLog.Open(path, WalDurability.GroupCommit);

        // Hold the flush gate as an in-progress flush would: every append writes its entry and queues behind it.
        await log.FlushGate.WaitAsync();
        ValueTask<long>[] pending = [.. payloads.Select(p => log.AppendAsync(p))];
        Assert.All(pending, p => Assert.False(p.IsCompleted));
        Assert.Equal(payloads.Length, log.LastLsn);
        long flushesBefore = log.FlushCount;
        log.FlushGate.Release();

        long[] lsns = new long[pending.Length];
        for (int i = 0; i < pending.Length; i++)
        {
            lsns[i] = await pending[i];
        }

        Assert.Equal(Enumerable.Range(1, payloads.Length).Select(i => (long)i), lsns);
        Assert.Equal(flushesBefore + 1, log.FlushCount);
        WalTestData.AssertEntries(payloads, WalTestData.ReadAll(log));
    }

    [Fact]
    public void Append_FlushEveryWrite_FlushesOncePerAppend()
    {
        using WriteAheadLog log = WriteAheadLog.Open(_directory.File("wal.log"), WalDurability.FlushEveryWrite);
        foreach (byte[] payload in WalTestData.Payloads(6, 7, 50))
        {
            log.Append(payload);
        }

        Assert.Equal(7, log.FlushCount);
    }

    [Fact]
    public async Task AppendAsync_CancelledBeforeWriting_WritesNothing()
    {
        await using WriteAheadLog log = WriteAheadLog.Open(_directory.File("wal.log"), WalDurability.GroupCommit);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await log.AppendAsync(new byte[3], cancelled.Token));
        Assert.Equal(0, log.LastLsn);
    }

    [Fact]
    public void ReadFrom_AppendsDuringEnumeration_StopsAtTheEntriesWrittenWhenItStarted()
    {
        byte[][] payloads = WalTestData.Payloads(7, 8, 100);
        using WriteAheadLog log = WriteAheadLog.Open(_directory.File("wal.log"), WalDurability.FlushEveryWrite);
        foreach (byte[] payload in payloads[..5])
        {
            log.Append(payload);
        }

        var seen = new List<WalEntry>();
        using (IEnumerator<WalEntry> enumerator = log.ReadFrom(0).GetEnumerator())
        {
            Assert.True(enumerator.MoveNext());
            seen.Add(enumerator.Current);
            foreach (byte[] payload in payloads[5..])
            {
                log.Append(payload);
            }

            log.TruncateThrough(2);
            while (enumerator.MoveNext())
            {
                seen.Add(enumerator.Current);
            }
        }

        WalTestData.AssertEntries(payloads[..5], seen);
        WalTestData.AssertEntries(payloads[2..], [.. log.ReadFrom(2)], firstLsn: 3);
    }

    [Fact]
    public void Open_FileThatIsNotALog_ThrowsWalCorruptedNamingTheFile()
    {
        string path = _directory.File("wal.log");
        File.WriteAllText(path, "this is not a write-ahead log, just some text that is long enough");
        WalCorruptedException error = Assert.Throws<WalCorruptedException>(() => WriteAheadLog.Open(path, WalDurability.FlushEveryWrite));
        Assert.Equal(path, error.FilePath);
        Assert.Equal(0, error.Offset);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_AfterDispose_Throws()
    {
        WriteAheadLog log = WriteAheadLog.Open(_directory.File("wal.log"), WalDurability.FlushEveryWrite);
        log.Dispose();
        log.Dispose();
        Assert.Throws<ObjectDisposedException>(() => log.Append([1]));
        Assert.Throws<ObjectDisposedException>(() => log.ReadFrom(0));
    }
}
