using LlamaDb.Connectors.Hnsw.Storage;

namespace LlamaDb.Connectors.Hnsw.Tests.Storage;

public sealed class WriteAheadLogCorruptionTests : IDisposable
{
    private const int Trials = 600;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Open_SingleBitFlipAnywhere_ThrowsBeforeTheTailOrRecoversExactlyTheEntriesBeforeIt()
    {
        byte[][] payloads = WalTestData.Payloads(21, 12, 200);
        string source = _directory.File("source.log");
        long[] offsets = WalTestData.WriteLog(source, payloads);
        byte[] original = File.ReadAllBytes(source);
        var random = new Random(22);
        string path = _directory.File("wal.log");
        for (int trial = 0; trial < Trials; trial++)
        {
            byte[] damaged = (byte[])original.Clone();
            int position = random.Next(damaged.Length);
            damaged[position] ^= (byte)(1 << random.Next(8));
            AssertRecoveryAfterDamage(path, damaged, payloads, offsets, position, position, trial);
        }
    }

    [Fact]
    public void Open_RandomGarbageRun_ThrowsOrRecoversExactlyTheEntriesBeforeIt()
    {
        byte[][] payloads = WalTestData.Payloads(23, 12, 200);
        string source = _directory.File("source.log");
        long[] offsets = WalTestData.WriteLog(source, payloads);
        byte[] original = File.ReadAllBytes(source);
        var random = new Random(24);
        string path = _directory.File("wal.log");
        for (int trial = 0; trial < Trials; trial++)
        {
            byte[] damaged = (byte[])original.Clone();
            int start = random.Next(WalFormat.HeaderSize, damaged.Length);
            int end = Math.Min(damaged.Length - 1, start + random.Next(64));
            for (int i = start; i <= end; i++)
            {
                damaged[i] ^= (byte)random.Next(1, 256); // never zero, so every byte in the run changes
            }

            AssertRecoveryAfterDamage(path, damaged, payloads, offsets, start, end, trial);
        }
    }

    // Damage covers bytes [first, last]. Allowed outcomes: WalCorruptedException at the damaged entry (file left
    // as it was), or, when the damage reaches the log's tail, exactly the entries before it.
    private static void AssertRecoveryAfterDamage(string path, byte[] damaged, byte[][] payloads, long[] offsets, int first, int last, int trial)
    {
        File.WriteAllBytes(path, damaged);
        int damagedEntry = Array.FindLastIndex(offsets, o => o <= first); // -1: the file header
        int lastDamagedEntry = Array.FindLastIndex(offsets, o => o <= last);
        bool reachesTail = lastDamagedEntry == payloads.Length - 1;
        try
        {
            using WriteAheadLog log = WriteAheadLog.Open(path, WalDurability.FlushEveryWrite, new CapturingLogger());
            Assert.True(damagedEntry >= 0, $"trial {trial}: damage at {first} in the header was not detected");
            Assert.True(reachesTail, $"trial {trial}: damage in entry {damagedEntry + 1} before the tail was cut off silently");
            WalTestData.AssertEntries(payloads[..damagedEntry], WalTestData.ReadAll(log));
            Assert.Equal(offsets[damagedEntry], log.Recovery.TruncatedAtOffset);
        }
        catch (WalCorruptedException error)
        {
            Assert.Equal(path, error.FilePath);
            Assert.Equal(damagedEntry < 0 ? 0 : offsets[damagedEntry], error.Offset);
            if (damagedEntry >= 0 && !reachesTail)
            {
                Assert.Contains("not a torn tail", error.Message, StringComparison.Ordinal);
            }

            Assert.False(reachesTail && damagedEntry >= 0, $"trial {trial}: damage reaching the tail should be a torn tail");
            Assert.Equal(damaged, File.ReadAllBytes(path)); // nothing truncated
        }
    }
}
