using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using LlamaDb.Connectors.Hnsw.CrashHost;
using LlamaDb.Connectors.Hnsw.Storage;
using Xunit.Abstractions;

namespace LlamaDb.Connectors.Hnsw.Tests.Storage;

/// <summary>
/// Real process kills: a child process appends to a log and acknowledges each append on stdout; the test SIGKILLs it
/// after a seeded number of acknowledgements and checks that every acknowledged entry survived intact.
/// LLAMADB_CRASH_TRIALS and LLAMADB_CRASH_SEED change the number of trials and the seed (scripts/crash-trials.sh).
/// </summary>
/// <remarks>
/// A process kill loses nothing the kernel already holds, so this proves the library writes before it
/// acknowledges and recovers from whatever a kill leaves behind; it cannot prove fsync ordering against power loss.
/// </remarks>
public sealed class WriteAheadLogCrashTests : IDisposable
{
    private const int DefaultTrials = 24;
    private const int DefaultSeed = 20_250_611;
    private const int MaxAcksBeforeKill = 80;

    private readonly TempDirectory _directory = new();
    private readonly ITestOutputHelper _output;

    public WriteAheadLogCrashTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Append_ProcessKilledAfterSeededAcks_EveryAcknowledgedEntrySurvives()
    {
        int trials = ReadSetting("LLAMADB_CRASH_TRIALS", DefaultTrials);
        int seed = ReadSetting("LLAMADB_CRASH_SEED", DefaultSeed);
        var random = new Random(seed);
        int totalAcks = 0, totalExtra = 0, tornTails = 0;
        for (int trial = 0; trial < trials; trial++)
        {
            // Alternate one FlushEveryWrite writer with four concurrent GroupCommit writers.
            bool groupCommit = trial % 2 == 1;
            int trialSeed = random.Next();
            int killAfter = random.Next(0, MaxAcksBeforeKill + 1);
            TrialResult result = RunTrial(trial, groupCommit, groupCommit ? 4 : 1, trialSeed, killAfter);
            totalAcks += result.Acknowledged;
            totalExtra += result.Unacknowledged;
            tornTails += result.TornBytes > 0 ? 1 : 0;
            _output.WriteLine(
                $"trial {trial}: {(groupCommit ? "GroupCommit x4" : "FlushEveryWrite")}, seed {trialSeed}, killed after {killAfter} acks read; " +
                $"{result.Acknowledged} acked, {result.Unacknowledged} written but not acked, torn tail {result.TornBytes} bytes");
        }

        _output.WriteLine($"{trials} trials (seed {seed}): {totalAcks} acknowledged entries all recovered, {totalExtra} unacknowledged complete entries, {tornTails} torn tails truncated");
    }

    private TrialResult RunTrial(int trial, bool groupCommit, int writers, int seed, int killAfter)
    {
        string path = _directory.File($"trial-{trial}/wal.log");
        var acknowledged = new Dictionary<long, string>();
        using (Process host = CrashHostProcess.Start(
            "wal", path, groupCommit ? nameof(WalDurability.GroupCommit) : nameof(WalDurability.FlushEveryWrite),
            writers.ToString(CultureInfo.InvariantCulture), seed.ToString(CultureInfo.InvariantCulture), "1000000"))
        {
            Assert.Equal("READY 0", host.StandardOutput.ReadLine());
            while (acknowledged.Count < killAfter)
            {
                string? line = host.StandardOutput.ReadLine();
                Assert.True(line is not null, $"trial {trial}: the host exited before it was killed");
                AddAck(acknowledged, line, trial);
            }

            host.Kill(entireProcessTree: true);
            host.WaitForExit();

            // Lines the host printed before it died were acknowledged too; a last line without its newline was not.
            string rest = host.StandardOutput.ReadToEnd();
            string[] lines = rest.Split('\n');
            foreach (string line in lines[..^1])
            {
                Assert.NotEqual("DONE", line);
                AddAck(acknowledged, line, trial);
            }
        }

        var logger = new CapturingLogger();
        using WriteAheadLog log = WriteAheadLog.Open(path, WalDurability.FlushEveryWrite, logger);
        List<WalEntry> entries = WalTestData.ReadAll(log);
        var byLsn = entries.ToDictionary(e => e.Lsn);
        foreach ((long lsn, string sha) in acknowledged)
        {
            Assert.True(byLsn.TryGetValue(lsn, out WalEntry entry), $"trial {trial}: acknowledged LSN {lsn} is missing (last LSN {log.LastLsn})");
            Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(entry.Payload.Span)));
        }

        // Every entry, acknowledged or not, is one the host really wrote, whole, once.
        var seen = new HashSet<(int Writer, int Sequence)>();
        foreach (WalEntry entry in entries)
        {
            Assert.True(CrashPayload.TryParse(entry.Payload.Span, out int writer, out int sequence), $"trial {trial}: LSN {entry.Lsn} is too short");
            Assert.True(writer >= 0 && writer < writers && sequence >= 1, $"trial {trial}: LSN {entry.Lsn} names writer {writer}, sequence {sequence}");
            Assert.Equal(CrashPayload.Create(seed, writer, sequence), entry.Payload.ToArray());
            Assert.True(seen.Add((writer, sequence)), $"trial {trial}: writer {writer} sequence {sequence} appears twice");
            if (!groupCommit)
            {
                Assert.Equal(entry.Lsn, sequence);
            }
        }

        Assert.Equal(log.Recovery.TailTruncated ? 1 : 0, logger.Warnings.Count);

        // The log keeps going after recovery.
        long next = log.Append([1, 2, 3]);
        Assert.Equal(entries.Count + 1, next);
        return new TrialResult(acknowledged.Count, entries.Count - acknowledged.Count, log.Recovery.TruncatedBytes);
    }

    private static void AddAck(Dictionary<long, string> acknowledged, string line, int trial)
    {
        string[] parts = line.Split(' ');
        Assert.True(parts.Length == 3 && parts[0] == "ACK", $"trial {trial}: unexpected line '{line}'");
        long lsn = long.Parse(parts[1], CultureInfo.InvariantCulture);
        Assert.True(acknowledged.TryAdd(lsn, parts[2]), $"trial {trial}: LSN {lsn} acknowledged twice");
    }

    private static int ReadSetting(string name, int fallback)
    {
        string? value = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrEmpty(value) ? fallback : int.Parse(value, CultureInfo.InvariantCulture);
    }

    private readonly record struct TrialResult(int Acknowledged, int Unacknowledged, long TornBytes);
}
