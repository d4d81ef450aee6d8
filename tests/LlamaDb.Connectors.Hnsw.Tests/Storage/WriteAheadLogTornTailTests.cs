using LlamaDb.Connectors.Hnsw.Storage;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Connectors.Hnsw.Tests.Storage;

public sealed class WriteAheadLogTornTailTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Open_LastEntryCutAtEveryLength_RecoversEarlierEntriesTruncatesWarnsAndAppendsAfter()
    {
        byte[][] payloads = WalTestData.Payloads(11, 6, 120);
        payloads[^1] = new byte[300];
        new Random(12).NextBytes(payloads[^1]);
        string source = _directory.File("source.log");
        long[] offsets = WalTestData.WriteLog(source, payloads);
        byte[] full = File.ReadAllBytes(source);
        long lastEntry = offsets[^1];
        byte[] next = [9, 8, 7];

        // kept = bytes of the last entry that reached the disk: 0 (a clean end) up to one short of the whole entry.
        for (int kept = 0; kept < full.Length - lastEntry; kept++)
        {
            string path = _directory.File($"cut-{kept}.log");
            File.WriteAllBytes(path, full[..(int)(lastEntry + kept)]);
            var logger = new CapturingLogger();
            using (WriteAheadLog log = WriteAheadLog.Open(path, WalDurability.FlushEveryWrite, logger))
            {
                WalTestData.AssertEntries(payloads[..^1], WalTestData.ReadAll(log));
                Assert.Equal(payloads.Length - 1, log.LastLsn);
                Assert.Equal(kept, log.Recovery.TruncatedBytes);
                Assert.Equal(lastEntry, new FileInfo(path).Length);
                if (kept == 0)
                {
                    Assert.Null(log.Recovery.TruncatedAtOffset);
                    Assert.Empty(logger.Warnings);
                }
                else
                {
                    Assert.Equal(lastEntry, log.Recovery.TruncatedAtOffset);
                    CapturedLog warning = Assert.Single(logger.Warnings);
                    Assert.Equal(1001, warning.EventId.Id);
                    Assert.Contains(path, warning.Message, StringComparison.Ordinal);
                    Assert.Contains($"truncated {kept} bytes at offset {lastEntry}", warning.Message, StringComparison.Ordinal);
                }

                Assert.Equal(payloads.Length, log.Append(next));
            }

            using (WriteAheadLog reopened = WriteAheadLog.Open(path, WalDurability.FlushEveryWrite, logger))
            {
                Assert.False(reopened.Recovery.TailTruncated);
                WalTestData.AssertEntries([.. payloads[..^1], next], WalTestData.ReadAll(reopened));
            }

            File.Delete(path);
        }
    }

    [Fact]
    public void Open_ZeroFilledTail_IsTruncatedAsTornTail()
    {
        // File systems may extend a file before its data lands, leaving zeros after the last entry after a crash.
        byte[][] payloads = WalTestData.Payloads(13, 5, 200);
        string path = _directory.File("wal.log");
        WalTestData.WriteLog(path, payloads);
        long length = new FileInfo(path).Length;
        using (FileStream file = File.OpenWrite(path))
        {
            file.SetLength(length + 4096);
        }

        var logger = new CapturingLogger();
        using WriteAheadLog log = WriteAheadLog.Open(path, WalDurability.FlushEveryWrite, logger);
        WalTestData.AssertEntries(payloads, WalTestData.ReadAll(log));
        Assert.Equal(4096, log.Recovery.TruncatedBytes);
        Assert.Equal(length, log.Recovery.TruncatedAtOffset);
        Assert.Single(logger.Warnings, w => w.Level == LogLevel.Warning);
    }

    [Fact]
    public void Open_LastEntryHeaderWrittenButPayloadZeros_IsTruncatedAsTornTail()
    {
        byte[][] payloads = WalTestData.Payloads(14, 5, 200);
        payloads[^1] = [.. Enumerable.Repeat((byte)0x5A, 100)];
        string path = _directory.File("wal.log");
        long[] offsets = WalTestData.WriteLog(path, payloads);
        byte[] bytes = File.ReadAllBytes(path);
        Array.Clear(bytes, (int)offsets[^1] + WalFormat.FrameHeaderSize, 100);
        File.WriteAllBytes(path, bytes);

        using WriteAheadLog log = WriteAheadLog.Open(path, WalDurability.FlushEveryWrite, new CapturingLogger());
        WalTestData.AssertEntries(payloads[..^1], WalTestData.ReadAll(log));
        Assert.Equal(offsets[^1], log.Recovery.TruncatedAtOffset);
    }
}
