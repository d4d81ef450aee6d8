using LlamaDb.VectorData;

namespace LlamaDb.Connectors.Hnsw;

/// <summary>Options for an embedded collection. Index parameters apply when the collection is created.</summary>
public sealed class HnswCollectionOptions : VectorStoreCollectionOptions
{
    /// <summary>Creates default options.</summary>
    public HnswCollectionOptions()
    {
    }

    /// <summary>Copies <paramref name="source"/>.</summary>
    public HnswCollectionOptions(HnswCollectionOptions? source)
        : base(source)
    {
        if (source is not null)
        {
            M = source.M;
            EfConstruction = source.EfConstruction;
            EfSearch = source.EfSearch;
            Seed = source.Seed;
            Bm25K1 = source.Bm25K1;
            Bm25B = source.Bm25B;
            Durability = source.Durability;
            CheckpointAfterLogBytes = source.CheckpointAfterLogBytes;
            CompactionTombstoneRatio = source.CompactionTombstoneRatio;
            HybridRankConstant = source.HybridRankConstant;
            HybridVectorWeight = source.HybridVectorWeight;
            HybridKeywordWeight = source.HybridKeywordWeight;
            Quantization = source.Quantization;
            Oversampling = source.Oversampling;
            foreach (KeyValuePair<string, HnswQuantization> pair in source.PropertyQuantization)
            {
                PropertyQuantization[pair.Key] = pair.Value;
            }
        }
    }

    /// <summary>HNSW out-degree (layer 0 keeps 2·M). Defaults to 16.</summary>
    public int M { get; set; } = 16;

    /// <summary>HNSW candidate-list size while inserting. Defaults to 200.</summary>
    public int EfConstruction { get; set; } = 200;

    /// <summary>HNSW candidate-list size while searching (raised to top + skip). Defaults to 100.</summary>
    public int EfSearch { get; set; } = 100;

    /// <summary>Seed of the HNSW level generator, for reproducible graphs. Defaults to null (random).</summary>
    public int? Seed { get; set; }

    /// <summary>BM25 k1. Defaults to 0.9 (Anserini).</summary>
    public float Bm25K1 { get; set; } = 0.9f;

    /// <summary>BM25 b. Defaults to 0.4 (Anserini).</summary>
    public float Bm25B { get; set; } = 0.4f;

    /// <summary>When writes become durable. Defaults to <see cref="HnswDurability.FlushEveryWrite"/>.</summary>
    public HnswDurability Durability { get; set; } = HnswDurability.FlushEveryWrite;

    /// <summary>Write a checkpoint (snapshot files, log truncated) once the log passes this many bytes. Defaults to 64 MiB.</summary>
    public long CheckpointAfterLogBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Compact at checkpoint time when this share of slots are free. Defaults to 0.3.</summary>
    public double CompactionTombstoneRatio { get; set; } = 0.3;

    /// <summary>The k of reciprocal rank fusion in hybrid search. Defaults to 60.</summary>
    public int HybridRankConstant { get; set; } = 60;

    /// <summary>Weight of the vector ranking in hybrid search (weighted fusion). Defaults to 1.</summary>
    public double HybridVectorWeight { get; set; } = 1.0;

    /// <summary>Weight of the keyword (BM25) ranking in hybrid search. Defaults to 1.</summary>
    public double HybridKeywordWeight { get; set; } = 1.0;

    /// <summary>
    /// How float vector properties are compressed in memory, unless <see cref="PropertyQuantization"/> names them.
    /// With <see cref="HnswQuantization.Int8"/> or <see cref="HnswQuantization.Binary"/> the index searches compact codes,
    /// keeps the full vectors in a memory-mapped file in the collection folder, and rescores the best
    /// top × <see cref="Oversampling"/> candidates exactly. Binary (Hamming) vector properties are already bits and are
    /// left alone. Applies when the collection is created; an existing collection keeps what it was created with.
    /// Defaults to <see cref="HnswQuantization.None"/>.
    /// </summary>
    public HnswQuantization Quantization { get; set; } = HnswQuantization.None;

    /// <summary>Per vector property (model or storage name): its quantization, overriding <see cref="Quantization"/>.</summary>
    public IDictionary<string, HnswQuantization> PropertyQuantization { get; } = new Dictionary<string, HnswQuantization>(StringComparer.Ordinal);

    /// <summary>Candidates rescored per requested result by a quantized search (top × this). Defaults to 4.</summary>
    public int Oversampling { get; set; } = 4;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Oversampling, nameof(Oversampling));
        if (!Enum.IsDefined(Quantization))
        {
            throw new ArgumentOutOfRangeException(nameof(Quantization), Quantization, "Unknown quantization.");
        }

        foreach (KeyValuePair<string, HnswQuantization> pair in PropertyQuantization)
        {
            if (!Enum.IsDefined(pair.Value))
            {
                throw new ArgumentOutOfRangeException(nameof(PropertyQuantization), pair.Value, $"Unknown quantization for property '{pair.Key}'.");
            }
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(M, 2, nameof(M));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EfConstruction, nameof(EfConstruction));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EfSearch, nameof(EfSearch));
        ArgumentOutOfRangeException.ThrowIfNegative(Bm25K1, nameof(Bm25K1));
        if (Bm25B is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Bm25B), Bm25B, "Bm25B must be between 0 and 1.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(CheckpointAfterLogBytes, nameof(CheckpointAfterLogBytes));
        ArgumentOutOfRangeException.ThrowIfNegative(HybridRankConstant, nameof(HybridRankConstant));
        ArgumentOutOfRangeException.ThrowIfNegative(HybridVectorWeight, nameof(HybridVectorWeight));
        ArgumentOutOfRangeException.ThrowIfNegative(HybridKeywordWeight, nameof(HybridKeywordWeight));
        if (CompactionTombstoneRatio is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(CompactionTombstoneRatio), CompactionTombstoneRatio, "CompactionTombstoneRatio must be in (0, 1].");
        }
    }
}

/// <summary>How an embedded collection compresses a float vector property in memory.</summary>
public enum HnswQuantization
{
    /// <summary>Full float vectors in memory.</summary>
    None,

    /// <summary>8-bit scalar codes (a quarter of the float size), rescored with the full vectors.</summary>
    Int8,

    /// <summary>1-bit sign codes (a thirty-second of the float size), rescored with the full vectors; best for centered embeddings.</summary>
    Binary,
}

/// <summary>When an embedded collection's writes become durable.</summary>
public enum HnswDurability
{
    /// <summary>Each upsert or delete is flushed to disk before it returns. The default.</summary>
    FlushEveryWrite,

    /// <summary>
    /// Group commit: each write is logged and applied in turn, then waits for a flush it shares with every writer that
    /// queued meanwhile, and returns once it is on disk. Concurrent writers (a server's clients) pay for one fsync
    /// together instead of one each. Searches may see a write shortly before its call returns.
    /// </summary>
    GroupCommit,
}
