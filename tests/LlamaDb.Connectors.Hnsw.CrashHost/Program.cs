using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LlamaDb.Connectors.Hnsw.CrashHost;
using LlamaDb.Connectors.Hnsw.Storage;

// Usage:
//   wal <path> <FlushEveryWrite|GroupCommit> <writers> <seed> <maxEntriesPerWriter>
//       prints READY, then "ACK <lsn> <sha256-hex>" after each append returns; the test kills the process.
//   store <root> <seed> <maxOperations>
//       runs StoreCrashWorkload against an embedded store: prints READY, then "ACK <index>" after each upsert or delete
//       returns (and checkpoints every 25 operations); the test kills the process.
//   lock <folder>
//       takes the collection lock, prints LOCKED and holds it until standard input closes.
var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
var outputLock = new Lock();
void Say(string line)
{
    lock (outputLock)
    {
        output.WriteLine(line);
    }
}

switch (args.Length > 0 ? args[0] : string.Empty)
{
    case "wal" when args.Length == 6:
    {
        string path = args[1];
        WalDurability durability = Enum.Parse<WalDurability>(args[2]);
        int writers = int.Parse(args[3], CultureInfo.InvariantCulture);
        int seed = int.Parse(args[4], CultureInfo.InvariantCulture);
        int maxEntries = int.Parse(args[5], CultureInfo.InvariantCulture);
        using WriteAheadLog log = WriteAheadLog.Open(path, durability);
        Say($"READY {log.LastLsn}");
        if (writers == 1)
        {
            for (int sequence = 1; sequence <= maxEntries; sequence++)
            {
                byte[] payload = CrashPayload.Create(seed, 0, sequence);
                long lsn = log.Append(payload);
                Say($"ACK {lsn} {Convert.ToHexStringLower(SHA256.HashData(payload))}");
            }
        }
        else
        {
            var tasks = new Task[writers];
            for (int w = 0; w < writers; w++)
            {
                int writer = w;
                tasks[w] = Task.Run(async () =>
                {
                    for (int sequence = 1; sequence <= maxEntries; sequence++)
                    {
                        byte[] payload = CrashPayload.Create(seed, writer, sequence);
                        long lsn = await log.AppendAsync(payload);
                        Say($"ACK {lsn} {Convert.ToHexStringLower(SHA256.HashData(payload))}");
                    }
                });
            }

            await Task.WhenAll(tasks);
        }

        Say("DONE");
        return 0;
    }

    case "store" when args.Length == 4:
    {
        string root = args[1];
        int seed = int.Parse(args[2], CultureInfo.InvariantCulture);
        int maxOperations = int.Parse(args[3], CultureInfo.InvariantCulture);
        using var store = new LlamaDb.Connectors.Hnsw.HnswVectorStore(root);
        var collection = store.GetCollection<long, CrashDoc>("crash", StoreCrashWorkload.Options());
        await collection.EnsureCollectionExistsAsync();
        Say("READY");
        for (int index = 1; index <= maxOperations; index++)
        {
            (bool delete, long key) = StoreCrashWorkload.Operation(seed, index);
            if (delete)
            {
                await collection.DeleteAsync(key);
            }
            else
            {
                await collection.UpsertAsync(StoreCrashWorkload.Record(key, index));
            }

            Say($"ACK {index}");
            if (index % 25 == 0)
            {
                await collection.CheckpointAsync();
            }
        }

        Say("DONE");
        return 0;
    }

    case "lock" when args.Length == 2:
    {
        using CollectionDirectoryLock held = CollectionDirectoryLock.Acquire(args[1]);
        Say("LOCKED");
        while (Console.In.ReadLine() is not null)
        {
        }

        return 0;
    }

    default:
        Console.Error.WriteLine("usage: wal <path> <durability> <writers> <seed> <maxEntries> | store <root> <seed> <maxOperations> | lock <folder>");
        return 2;
}
