using LlamaDb.Connectors.Hnsw.Storage;

namespace LlamaDb.Connectors.Hnsw.Tests.Storage;

/// <summary>Seeded payloads and a log written from them, with the offset of every entry.</summary>
internal static class WalTestData
{
    public static byte[][] Payloads(int seed, int count, int maxLength)
    {
        var random = new Random(seed);
        var payloads = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            payloads[i] = new byte[random.Next(0, maxLength + 1)];
            random.NextBytes(payloads[i]);
        }

        return payloads;
    }

    /// <summary>Writes <paramref name="payloads"/> as LSNs 1..n into a new log and returns each entry's file offset.</summary>
    public static long[] WriteLog(string path, IReadOnlyList<byte[]> payloads)
    {
        var offsets = new long[payloads.Count];
        long offset = WalFormat.HeaderSize;
        using WriteAheadLog log = WriteAheadLog.Open(path, WalDurability.FlushEveryWrite);
        for (int i = 0; i < payloads.Count; i++)
        {
            offsets[i] = offset;
            Assert.Equal(i + 1, log.Append(payloads[i]));
            offset += WalFormat.FrameHeaderSize + payloads[i].Length;
        }

        return offsets;
    }

    public static List<WalEntry> ReadAll(WriteAheadLog log) => [.. log.ReadFrom(0)];

    public static void AssertEntries(IReadOnlyList<byte[]> expected, IReadOnlyList<WalEntry> actual, long firstLsn = 1)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(firstLsn + i, actual[i].Lsn);
            Assert.Equal(expected[i], actual[i].Payload.ToArray());
        }
    }
}
