using LlamaDb.Connectors.Hnsw.FullText;
using LlamaDb.Connectors.Hnsw.Indexing;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Connectors.Hnsw.Engine;

/// <summary>
/// Compaction: renumbers live records densely and rebuilds the vector, full-text and payload indexes without the
/// holes deletes leave (freed slots are reused by later inserts; compaction reclaims what is left). Runs explicitly or
/// at checkpoint time once the share of free slots passes <see cref="HnswCollectionOptions.CompactionTombstoneRatio"/>.
/// </summary>
internal sealed partial class CollectionEngine
{
    /// <summary>Below this many slots automatic compaction is not worth it.</summary>
    private const int MinimumSlotsForAutomaticCompaction = 1024;

    /// <summary>Compacts now and writes a checkpoint.</summary>
    public async Task CompactAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            CompactLocked(cancellationToken);
            CheckpointLocked(force: true);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Free slots as a share of all slots.</summary>
    internal double TombstoneRatio
    {
        get
        {
            _state.EnterReadLock();
            try
            {
                return _slotLimit == 0 ? 0 : (double)_freeSlots.Count / _slotLimit;
            }
            finally
            {
                _state.ExitReadLock();
            }
        }
    }

    private bool ShouldCompact() =>
        _slotLimit >= MinimumSlotsForAutomaticCompaction && _freeSlots.Count > _options.CompactionTombstoneRatio * _slotLimit;

    /// <summary>Rebuilds with the write gate held: the new structures are built under the read lock (searches go on),
    /// then swapped in under the write lock.</summary>
    private void CompactLocked(CancellationToken cancellationToken)
    {
        int freed = _freeSlots.Count;
        var records = new EngineRecord?[Math.Max(1024, _slotsByKey.Count)];
        var vectorIndexes = new IVectorIndex[_vectorIndexes.Length];
        var textIndexes = new Bm25Index?[_textIndexes.Length];
        var payloadIndexes = new Dictionary<object, HashSet<int>>?[_payloadIndexes.Length];
        var slotsByKey = new Dictionary<object, int>(_slotsByKey.Count);
        int next = 0;
        _state.EnterReadLock();
        try
        {
            for (int v = 0; v < vectorIndexes.Length; v++)
            {
                vectorIndexes[v] = CreateIndex(Schema, Schema.Vectors[v], _directory);
            }

            for (int d = 0; d < textIndexes.Length; d++)
            {
                textIndexes[d] = _textIndexes[d] is null ? null : new Bm25Index(new Bm25Options { K1 = Schema.Bm25K1, B = Schema.Bm25B });
                payloadIndexes[d] = _payloadIndexes[d] is null ? null : [];
            }

            var buffer = new float[Schema.Vectors.Count == 0 ? 0 : Schema.Vectors.Max(v => v.Dimensions)];
            for (int slot = 0; slot < _slotLimit; slot++)
            {
                if (_records[slot] is not { } record)
                {
                    continue;
                }

                if ((next & 1023) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                int target = next++;
                records[target] = record;
                slotsByKey[record.Key] = target;
                for (int v = 0; v < vectorIndexes.Length; v++)
                {
                    if (_vectorIndexes[v].Contains(slot))
                    {
                        Span<float> vector = buffer.AsSpan(0, Schema.Vectors[v].Dimensions);
                        _vectorIndexes[v].GetVector(slot, vector);
                        vectorIndexes[v].Add(target, vector);
                    }
                }

                for (int d = 0; d < record.Data.Length; d++)
                {
                    textIndexes[d]?.Upsert(target, record.Data[d] as string);
                    if (payloadIndexes[d] is { } index)
                    {
                        foreach (object value in IndexedValues(record.Data[d]))
                        {
                            if (!index.TryGetValue(value, out HashSet<int>? slots))
                            {
                                index[value] = slots = [];
                            }

                            slots.Add(target);
                        }
                    }
                }
            }
        }
        catch
        {
            foreach (IVectorIndex index in vectorIndexes)
            {
                index?.Dispose();
            }

            foreach (Bm25Index? text in textIndexes)
            {
                text?.Dispose();
            }

            throw;
        }
        finally
        {
            _state.ExitReadLock();
        }

        _state.EnterWriteLock();
        try
        {
            for (int v = 0; v < vectorIndexes.Length; v++)
            {
                _vectorIndexes[v].Dispose();
                _vectorIndexes[v] = vectorIndexes[v];
            }

            for (int d = 0; d < textIndexes.Length; d++)
            {
                _textIndexes[d]?.Dispose();
                _textIndexes[d] = textIndexes[d];
                _payloadIndexes[d] = payloadIndexes[d];
            }

            _records = records;
            _slotLimit = next;
            _freeSlots.Clear();
            _slotsByKey.Clear();
            foreach (KeyValuePair<object, int> entry in slotsByKey)
            {
                _slotsByKey[entry.Key] = entry.Value;
            }
        }
        finally
        {
            _state.ExitWriteLock();
        }

        _logger.LogInformation("Collection '{Collection}': compacted {Records} records, reclaimed {Freed} free slots.", Schema.Name, next, freed);
    }
}
