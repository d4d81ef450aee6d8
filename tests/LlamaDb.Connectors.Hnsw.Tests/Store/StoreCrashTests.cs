using System.Diagnostics;
using System.Globalization;
using LlamaDb.Connectors.Hnsw.CrashHost;
using LlamaDb.Connectors.Hnsw.Tests.Storage;
using Xunit.Abstractions;

namespace LlamaDb.Connectors.Hnsw.Tests.Store;

/// <summary>
/// Real process kills of a child process that upserts and deletes through the embedded store (with checkpoints,
/// automatic and explicit): after reopen every acknowledged write is present, nothing unacknowledged is, except the
/// one operation that was in flight, which is either fully there or not at all.
/// LLAMADB_CRASH_TRIALS / LLAMADB_CRASH_SEED change the trial count and seed (scripts/crash-trials.sh).
/// </summary>
public sealed class StoreCrashTests : IDisposable
{
    private const int DefaultTrials = 20;
    private const int DefaultSeed = 4_242;
    private const int MaxAcksBeforeKill = 120;

    private readonly TempDirectory _directory = new();
    private readonly ITestOutputHelper _output;

    public StoreCrashTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Store_ProcessKilledAtSeededMoments_AcknowledgedWritesSurviveAndNothingElse()
    {
        int trials = ReadSetting("LLAMADB_CRASH_TRIALS", DefaultTrials);
        int seed = ReadSetting("LLAMADB_CRASH_SEED", DefaultSeed);
        var random = new Random(seed);
        for (int trial = 0; trial < trials; trial++)
        {
            int trialSeed = random.Next();
            int killAfter = random.Next(0, MaxAcksBeforeKill + 1);
            (int acked, bool inFlightApplied) = await RunTrialAsync(trial, trialSeed, killAfter);
            _output.WriteLine($"trial {trial}: seed {trialSeed}, kill after {killAfter} acks: {acked} acknowledged operations verified, in-flight operation {(inFlightApplied ? "applied" : "not applied")}");
        }
    }

    private async Task<(int Acked, bool InFlightApplied)> RunTrialAsync(int trial, int seed, int killAfter)
    {
        string root = _directory.File($"store-{trial}");
        int acked = 0;
        using (Process host = CrashHostProcess.Start("store", root, seed.ToString(CultureInfo.InvariantCulture), "1000000"))
        {
            Assert.Equal("READY", host.StandardOutput.ReadLine());
            while (acked < killAfter)
            {
                string? line = host.StandardOutput.ReadLine();
                Assert.True(line is not null, $"trial {trial}: the host exited before it was killed");
                acked = ParseAck(line, acked, trial);
            }

            host.Kill(entireProcessTree: true);
            host.WaitForExit();
            string[] rest = host.StandardOutput.ReadToEnd().Split('\n');
            foreach (string line in rest[..^1])
            {
                acked = ParseAck(line, acked, trial);
            }
        }

        // Expected state after the acknowledged operations, and after the in-flight one as well.
        var expected = new Dictionary<long, int>();
        for (int index = 1; index <= acked; index++)
        {
            Apply(expected, seed, index);
        }

        var withInFlight = new Dictionary<long, int>(expected);
        Apply(withInFlight, seed, acked + 1);

        using var store = new HnswVectorStore(root);
        HnswCollection<long, CrashDoc> collection = store.GetCollection<long, CrashDoc>("crash", StoreCrashWorkload.Options());
        if (!await collection.CollectionExistsAsync())
        {
            Assert.Equal(0, acked);
            return (0, false);
        }

        var actual = new Dictionary<long, int>();
        for (long key = 0; key < StoreCrashWorkload.KeySpace; key++)
        {
            CrashDoc? doc = await collection.GetAsync(key, new VectorData.RecordRetrievalOptions { IncludeVectors = true });
            if (doc is null)
            {
                continue;
            }

            actual[key] = doc.Version;
            CrashDoc written = StoreCrashWorkload.Record(key, doc.Version);
            Assert.Equal(written.Text, doc.Text);
            Assert.Equal(written.Vector, doc.Vector);

            // The index agrees with the payload: the record's own vector finds it first.
            await foreach (VectorData.VectorSearchResult<CrashDoc> hit in collection.SearchAsync(doc.Vector, 1))
            {
                Assert.Equal(0, hit.Score);
                Assert.Equal(doc.Version, hit.Record.Version);
            }
        }

        bool matchesAcked = Same(expected, actual);
        bool matchesInFlight = Same(withInFlight, actual);
        Assert.True(matchesAcked || matchesInFlight, $"trial {trial} (seed {seed}, {acked} acked): the reopened store matches neither the acknowledged state nor that plus the in-flight operation");
        Assert.Equal(actual.Count, collection.Count);
        return (acked, !matchesAcked);
    }

    private static void Apply(Dictionary<long, int> state, int seed, int index)
    {
        (bool delete, long key) = StoreCrashWorkload.Operation(seed, index);
        if (delete)
        {
            state.Remove(key);
        }
        else
        {
            state[key] = index;
        }
    }

    private static bool Same(Dictionary<long, int> a, Dictionary<long, int> b) =>
        a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out int version) && version == pair.Value);

    private static int ParseAck(string line, int acked, int trial)
    {
        if (line is "DONE")
        {
            Assert.Fail($"trial {trial}: the workload finished before the kill");
        }

        string[] parts = line.Split(' ');
        Assert.True(parts.Length == 2 && parts[0] == "ACK", $"trial {trial}: unexpected line '{line}'");
        int index = int.Parse(parts[1], CultureInfo.InvariantCulture);
        Assert.Equal(acked + 1, index);
        return index;
    }

    private static int ReadSetting(string name, int fallback)
    {
        string? value = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrEmpty(value) ? fallback : int.Parse(value, CultureInfo.InvariantCulture);
    }
}
