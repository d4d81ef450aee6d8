using LlamaDb.VectorData;

namespace LlamaDb.Connectors.Postgres;

/// <summary>Options for a PostgreSQL collection. Index parameters and quantization apply when the table is created.</summary>
public sealed class PostgresCollectionOptions : VectorStoreCollectionOptions
{
    /// <summary>Creates default options.</summary>
    public PostgresCollectionOptions()
    {
    }

    /// <summary>Copies <paramref name="source"/>.</summary>
    public PostgresCollectionOptions(PostgresCollectionOptions? source)
        : base(source)
    {
        if (source is not null)
        {
            M = source.M;
            EfConstruction = source.EfConstruction;
            EfSearch = source.EfSearch;
            IterativeScan = source.IterativeScan;
            Quantization = source.Quantization;
            Oversampling = source.Oversampling;
            TextSearchConfiguration = source.TextSearchConfiguration;
            HybridRankConstant = source.HybridRankConstant;
            HybridVectorWeight = source.HybridVectorWeight;
            HybridKeywordWeight = source.HybridKeywordWeight;
            UpsertBatchSize = source.UpsertBatchSize;
            foreach (KeyValuePair<string, PostgresQuantization> pair in source.PropertyQuantization)
            {
                PropertyQuantization[pair.Key] = pair.Value;
            }
        }
    }

    /// <summary>pgvector HNSW <c>m</c> (links per node). Defaults to 16.</summary>
    public int M { get; set; } = 16;

    /// <summary>pgvector HNSW <c>ef_construction</c>. Defaults to 64 (pgvector's default).</summary>
    public int EfConstruction { get; set; } = 64;

    /// <summary><c>hnsw.ef_search</c> set for each query (raised to top + skip, at most 1,000). Defaults to 100.</summary>
    public int EfSearch { get; set; } = 100;

    /// <summary>
    /// Whether filtered HNSW searches use pgvector 0.8's iterative index scans (<c>hnsw.iterative_scan = relaxed_order</c>),
    /// so a selective filter still returns <c>top</c> results. Defaults to true.
    /// </summary>
    public bool IterativeScan { get; set; } = true;

    /// <summary>
    /// How float vector properties are stored and indexed, unless <see cref="PropertyQuantization"/> names them.
    /// The table always keeps the full <c>vector(N)</c> (exact scores, vectors returned as upserted); quantization
    /// changes the HNSW index. <see cref="PostgresQuantization.Half"/>: an index over <c>v::halfvec(N)</c> (half the
    /// size, up to 4,000 dimensions). <see cref="PostgresQuantization.Binary"/>: an index over
    /// <c>binary_quantize(v)::bit(N)</c> (1/32 of the size, up to 64,000 dimensions, for centered embeddings). Quantized
    /// searches take max(top × <see cref="Oversampling"/>, ef_search) candidates from the index and rescore them
    /// exactly. Defaults to <see cref="PostgresQuantization.None"/>.
    /// </summary>
    public PostgresQuantization Quantization { get; set; } = PostgresQuantization.None;

    /// <summary>Per vector property (model or storage name): its quantization, overriding <see cref="Quantization"/>.</summary>
    public IDictionary<string, PostgresQuantization> PropertyQuantization { get; } = new Dictionary<string, PostgresQuantization>(StringComparer.Ordinal);

    /// <summary>Candidates rescored per requested result by a quantized search. Defaults to 4.</summary>
    public int Oversampling { get; set; } = 4;

    /// <summary>
    /// The text search configuration of full-text columns and keyword queries (a <c>regconfig</c> name such as
    /// <c>english</c> or <c>simple</c>). It is part of the generated <c>tsvector</c> column, so queries must use the one the
    /// table was created with. Defaults to "english".
    /// </summary>
    public string TextSearchConfiguration { get; set; } = "english";

    /// <summary>The k of reciprocal rank fusion in hybrid search. Defaults to 60.</summary>
    public int HybridRankConstant { get; set; } = 60;

    /// <summary>Weight of the vector ranking in hybrid search. Defaults to 1.</summary>
    public double HybridVectorWeight { get; set; } = 1.0;

    /// <summary>Weight of the keyword (<c>ts_rank</c>) ranking in hybrid search. Defaults to 1.</summary>
    public double HybridKeywordWeight { get; set; } = 1.0;

    /// <summary>Records per <c>INSERT ... SELECT FROM unnest(...)</c> statement. Defaults to 500.</summary>
    public int UpsertBatchSize { get; set; } = 500;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(M, 2, nameof(M));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(M, 100, nameof(M));
        ArgumentOutOfRangeException.ThrowIfLessThan(EfConstruction, 4, nameof(EfConstruction));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(EfConstruction, 1000, nameof(EfConstruction));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EfSearch, nameof(EfSearch));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(EfSearch, 1000, nameof(EfSearch));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Oversampling, nameof(Oversampling));
        ArgumentOutOfRangeException.ThrowIfNegative(HybridRankConstant, nameof(HybridRankConstant));
        ArgumentOutOfRangeException.ThrowIfNegative(HybridVectorWeight, nameof(HybridVectorWeight));
        ArgumentOutOfRangeException.ThrowIfNegative(HybridKeywordWeight, nameof(HybridKeywordWeight));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(UpsertBatchSize, nameof(UpsertBatchSize));
        if (!Enum.IsDefined(Quantization))
        {
            throw new ArgumentOutOfRangeException(nameof(Quantization), Quantization, "Unknown quantization.");
        }

        foreach (KeyValuePair<string, PostgresQuantization> pair in PropertyQuantization)
        {
            if (!Enum.IsDefined(pair.Value))
            {
                throw new ArgumentOutOfRangeException(nameof(PropertyQuantization), pair.Value, $"Unknown quantization for property '{pair.Key}'.");
            }
        }

        if (string.IsNullOrEmpty(TextSearchConfiguration) || !TextSearchConfiguration.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
        {
            throw new ArgumentOutOfRangeException(nameof(TextSearchConfiguration), TextSearchConfiguration, "TextSearchConfiguration must be a text search configuration name such as 'english' or 'simple'.");
        }
    }
}

/// <summary>How a PostgreSQL collection stores and indexes a float vector property.</summary>
public enum PostgresQuantization
{
    /// <summary><c>vector(N)</c>: 4 bytes per dimension.</summary>
    None,

    /// <summary>An HNSW index over half-precision copies (<c>halfvec</c>), rescored with the full vectors.</summary>
    Half,

    /// <summary>An HNSW index over sign bits (<c>binary_quantize</c>), rescored with the full vectors.</summary>
    Binary,
}
