using System.Globalization;
using LlamaDb.Connectors.Hnsw.FullText;
using LlamaDb.Connectors.Hnsw.Indexing;
using LlamaDb.Connectors.Hnsw.Storage;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Connectors.Hnsw.Engine;

/// <summary>
/// Files of a collection folder: <c>collection.json</c> (schema), <c>wal.log</c> (write-ahead log), and per checkpoint
/// <c>payload.{g}.bin</c>, <c>vectors.{i}.{g}.bin</c>, <c>fulltext.{i}.{g}.bin</c> (g = the checkpoint's generation),
/// made current by <c>checkpoint.bin</c> (written last, atomically; it holds the generation and the log position).
/// Reopen = the current checkpoint's snapshots + log replay. A checkpoint never overwrites the current one's files.
/// </summary>
internal sealed partial class CollectionEngine
{
    internal const string SchemaFile = "collection.json";
    internal const string LogFile = "wal.log";
    internal const string CheckpointFile = "checkpoint.bin";
    private const int PayloadFormat = 1;
    private const int CheckpointFormat = 1;

    /// <summary>Creates a new collection folder (or opens it when it already exists with a compatible schema).</summary>
    public static CollectionEngine CreateOrOpen(string directory, CollectionSchema requested, HnswCollectionOptions options, ILogger logger)
    {
        Directory.CreateDirectory(directory);
        var directoryLock = CollectionDirectoryLock.Acquire(directory);
        try
        {
            string schemaPath = Path.Combine(directory, SchemaFile);
            if (!File.Exists(schemaPath))
            {
                // Without a schema nothing here belongs to a collection (a delete that did not finish): start clean.
                foreach (string file in Directory.EnumerateFiles(directory))
                {
                    string name = Path.GetFileName(file);
                    if (name != "LOCK")
                    {
                        File.Delete(file);
                    }
                }

                requested.Save(schemaPath);
            }
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }

        return OpenLocked(directory, directoryLock, requested, options, logger);
    }

    /// <summary>Opens an existing collection folder: snapshot, then log replay.</summary>
    public static CollectionEngine Open(string directory, CollectionSchema? requested, HnswCollectionOptions options, ILogger logger) =>
        OpenLocked(directory, CollectionDirectoryLock.Acquire(directory), requested, options, logger);

    private static CollectionEngine OpenLocked(string directory, CollectionDirectoryLock directoryLock, CollectionSchema? requested, HnswCollectionOptions options, ILogger logger)
    {
        try
        {
            CollectionSchema schema = CollectionSchema.Load(Path.Combine(directory, SchemaFile));
            if (requested is not null)
            {
                schema.EnsureCompatible(requested);
            }

            var engine = new CollectionEngine(directory, schema, options, logger, directoryLock);
            try
            {
                engine.LoadCheckpoint();
                string logPath = Path.Combine(directory, LogFile);
                engine._log = WriteAheadLog.Open(logPath, ToWalDurability(options.Durability), logger);
                if (engine._log.LastLsn < engine._checkpointLsn)
                {
                    throw new InvalidDataException($"'{logPath}' ends at entry {engine._log.LastLsn}, before the checkpoint's position {engine._checkpointLsn}: the log is missing or was replaced.");
                }

                engine.Replay();
                return engine;
            }
            catch
            {
                engine._log?.Dispose();
                foreach (IVectorIndex index in engine._vectorIndexes)
                {
                    index.Dispose();
                }

                throw;
            }
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }
    }

    private static WalDurability ToWalDurability(HnswDurability durability) =>
        durability == HnswDurability.GroupCommit ? WalDurability.GroupCommit : WalDurability.FlushEveryWrite;

    private void LoadCheckpoint()
    {
        string manifest = Path.Combine(_directory, CheckpointFile);
        if (!File.Exists(manifest))
        {
            return;
        }

        (long lsn, long generation) = SnapshotFile.Read(manifest, "checkpoint", CheckpointFormat, static (stream, l) =>
        {
            using var reader = new BinaryReader(stream, ValueCodec.Utf8, leaveOpen: true);
            return (l, reader.ReadInt64());
        });
        _checkpointLsn = lsn;
        _checkpointGeneration = generation;
        _checkpointAttempt = generation;
        SnapshotFile.Read(PayloadPath(generation), "payload", PayloadFormat, (stream, snapshotLsn) =>
        {
            RequireLsn(PayloadPath(generation), snapshotLsn, lsn);
            using var reader = new BinaryReader(stream, ValueCodec.Utf8, leaveOpen: true);
            int slotLimit = LogCodec.ReadCount(reader);
            int count = LogCodec.ReadCount(reader);
            _records = new EngineRecord?[Math.Max(1024, slotLimit)];
            _slotLimit = slotLimit;
            for (int i = 0; i < count; i++)
            {
                int slot = reader.ReadInt32();
                if (slot < 0 || slot >= slotLimit)
                {
                    throw new InvalidDataException($"'{PayloadPath(generation)}' holds a record in slot {slot} of {slotLimit}.");
                }

                EngineRecord record = LogCodec.ReadRecord(reader);
                if (record.Data.Length != Schema.Data.Count)
                {
                    throw new SnapshotCorruptedException($"'{PayloadPath(generation)}' holds records with {record.Data.Length} data values; the schema has {Schema.Data.Count}.", PayloadPath(generation));
                }

                _records[slot] = record;
                _slotsByKey[record.Key] = slot;
            }

            return 0;
        });

        for (int slot = 0; slot < _slotLimit; slot++)
        {
            if (_records[slot] is { } record)
            {
                IndexPayloadOnly(slot, record);
            }
            else
            {
                _freeSlots.Add(slot);
            }
        }

        for (int v = 0; v < _vectorIndexes.Length; v++)
        {
            _vectorIndexes[v].Dispose();
            string path = VectorsPath(v, generation);
            _vectorIndexes[v] = SnapshotFile.Read(path, "vectors", 1, (stream, snapshotLsn) =>
            {
                RequireLsn(path, snapshotLsn, lsn);
                IVectorIndex index = IVectorIndex.ReadFrom(stream, _directory);
                if (index.Dimensions != Schema.Vectors[v].Dimensions)
                {
                    index.Dispose();
                    throw new SnapshotCorruptedException($"'{path}' holds {index.Dimensions}-dimensional vectors; the collection's '{Schema.Vectors[v].Name}' has {Schema.Vectors[v].Dimensions}.", path);
                }

                return index;
            });
        }

        for (int d = 0; d < _textIndexes.Length; d++)
        {
            if (_textIndexes[d] is { } empty)
            {
                empty.Dispose();
                string path = TextPath(d, generation);
                _textIndexes[d] = SnapshotFile.Read(path, "fulltext", 1, (stream, snapshotLsn) =>
                {
                    RequireLsn(path, snapshotLsn, lsn);
                    return Bm25Index.ReadFrom(stream);
                });
            }
        }
    }

    private static void RequireLsn(string path, long snapshotLsn, long checkpointLsn)
    {
        if (snapshotLsn != checkpointLsn)
        {
            throw new SnapshotCorruptedException($"'{path}' was written at log position {snapshotLsn}, but the checkpoint is at {checkpointLsn}.", path);
        }
    }

    /// <summary>Payload indexes are rebuilt at load; full-text indexes come from their snapshots.</summary>
    private void IndexPayloadOnly(int slot, EngineRecord record)
    {
        for (int d = 0; d < record.Data.Length; d++)
        {
            if (_payloadIndexes[d] is { } index)
            {
                foreach (object value in IndexedValues(record.Data[d]))
                {
                    if (!index.TryGetValue(value, out HashSet<int>? slots))
                    {
                        index[value] = slots = [];
                    }

                    slots.Add(slot);
                }
            }
        }
    }

    private void Replay()
    {
        int entries = 0;
        foreach (WalEntry entry in _log.ReadFrom(_checkpointLsn))
        {
            using var stream = new MemoryStream(entry.Payload.ToArray(), writable: false);
            using var reader = new BinaryReader(stream, ValueCodec.Utf8);
            byte op = reader.ReadByte();
            int count = LogCodec.ReadCount(reader);
            if (op == LogCodec.UpsertOp)
            {
                var batch = new EngineRecord[count];
                for (int i = 0; i < count; i++)
                {
                    batch[i] = LogCodec.ReadRecord(reader);
                }

                ApplyUpserts(batch);
                entries++;
                continue;
            }

            for (int i = 0; i < count; i++)
            {
                if (op == LogCodec.DeleteOp)
                {
                    ApplyDelete(ValueCodec.Read(reader) ?? throw new InvalidDataException($"Log entry {entry.Lsn} deletes a null key."));
                }
                else
                {
                    throw new InvalidDataException($"Log entry {entry.Lsn} has unknown operation {op}.");
                }
            }

            entries++;
        }

        if (entries > 0)
        {
            _logger.LogInformation("Collection '{Collection}': replayed {Entries} log entries after checkpoint {Lsn}.", Schema.Name, entries, _checkpointLsn);
        }
    }

    /// <summary>Writes snapshot files for the current state, makes them current, and truncates the log.</summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (ShouldCompact())
            {
                CompactLocked(cancellationToken);
            }

            CheckpointLocked(force: false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Checkpoints once the log passes its size threshold. The write that triggered it is already durable, so a failed
    /// automatic checkpoint (a full disk) is logged, not thrown, and retried after another threshold's worth of log.
    /// </summary>
    private Task MaybeCheckpointAsync()
    {
        if (_logBytesSinceCheckpoint >= _options.CheckpointAfterLogBytes)
        {
            try
            {
                if (ShouldCompact())
                {
                    CompactLocked(CancellationToken.None);
                }

                CheckpointLocked(force: false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logBytesSinceCheckpoint = 0;
                _logger.LogWarning(ex, "Collection '{Collection}': automatic checkpoint failed; the log keeps every write and the checkpoint is retried later.", Schema.Name);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Checkpoint with the write gate held: writers wait, searches go on (read lock).</summary>
    private void CheckpointLocked(bool force)
    {
        long logPosition = _log.LastLsn;
        if (!force && logPosition == _checkpointLsn && File.Exists(Path.Combine(_directory, CheckpointFile)))
        {
            return;
        }

        // Snapshot files are named by generation (never the current one's, never one tried before); their headers
        // carry the log position.
        long generation = ++_checkpointAttempt;

        _state.EnterReadLock();
        try
        {
            SnapshotFile.Write(PayloadPath(generation), "payload", PayloadFormat, logPosition, stream =>
            {
                using var writer = new BinaryWriter(stream, ValueCodec.Utf8, leaveOpen: true);
                writer.Write(_slotLimit);
                writer.Write(_slotsByKey.Count);
                for (int slot = 0; slot < _slotLimit; slot++)
                {
                    if (_records[slot] is { } record)
                    {
                        writer.Write(slot);
                        LogCodec.WriteRecord(writer, record);
                    }
                }
            });

            for (int v = 0; v < _vectorIndexes.Length; v++)
            {
                IVectorIndex index = _vectorIndexes[v];
                SnapshotFile.Write(VectorsPath(v, generation), "vectors", 1, logPosition, stream => index.WriteTo(stream, callerExcludesWriters: true)); // the write gate is held: searches go on
            }

            for (int d = 0; d < _textIndexes.Length; d++)
            {
                if (_textIndexes[d] is { } text)
                {
                    SnapshotFile.Write(TextPath(d, generation), "fulltext", 1, logPosition, text.WriteTo);
                }
            }
        }
        finally
        {
            _state.ExitReadLock();
        }

        // The manifest switch is the commit point; then the old snapshots and the log prefix can go.
        SnapshotFile.Write(Path.Combine(_directory, CheckpointFile), "checkpoint", CheckpointFormat, logPosition, stream =>
        {
            using var writer = new BinaryWriter(stream, ValueCodec.Utf8, leaveOpen: true);
            writer.Write(generation);
        });
        long previous = _checkpointLsn;
        _checkpointLsn = logPosition;
        _checkpointGeneration = generation;
        _log.TruncateThrough(logPosition);
        _logBytesSinceCheckpoint = 0;
        DeleteSnapshotsExcept(generation);
        _logger.LogDebug("Collection '{Collection}': checkpoint {Generation} at log position {Lsn} (previous {Previous}).", Schema.Name, generation, logPosition, previous);
    }

    private void DeleteSnapshotsExcept(long generation)
    {
        string suffix = $".{generation.ToString(CultureInfo.InvariantCulture)}.bin";
        foreach (string file in Directory.EnumerateFiles(_directory, "*.bin"))
        {
            string name = Path.GetFileName(file);
            if (name != CheckpointFile && !name.EndsWith(suffix, StringComparison.Ordinal)
                && (name.StartsWith("payload.", StringComparison.Ordinal) || name.StartsWith("vectors.", StringComparison.Ordinal) || name.StartsWith("fulltext.", StringComparison.Ordinal)))
            {
                File.Delete(file);
            }
        }
    }

    private string PayloadPath(long generation) => Path.Combine(_directory, $"payload.{generation.ToString(CultureInfo.InvariantCulture)}.bin");

    private string VectorsPath(int vector, long generation) => Path.Combine(_directory, $"vectors.{vector.ToString(CultureInfo.InvariantCulture)}.{generation.ToString(CultureInfo.InvariantCulture)}.bin");

    private string TextPath(int data, long generation) => Path.Combine(_directory, $"fulltext.{data.ToString(CultureInfo.InvariantCulture)}.{generation.ToString(CultureInfo.InvariantCulture)}.bin");
}
