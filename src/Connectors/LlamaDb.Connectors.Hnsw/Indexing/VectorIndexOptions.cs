namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>Parameters of a vector index. Validated once by <see cref="Validate"/> when an index is created.</summary>
internal sealed class VectorIndexOptions
{
    /// <summary>Largest accepted <see cref="M"/>.</summary>
    public const int MaxM = 1024;

    /// <summary>Largest accepted <see cref="Dimensions"/>.</summary>
    public const int MaxDimensions = 65_536;

    /// <summary>Gets or sets the number of vector components (bits for <see cref="VectorMetric.Hamming"/>). Required.</summary>
    public int Dimensions { get; set; }

    /// <summary>Gets or sets the metric. Defaults to <see cref="VectorMetric.DotProduct"/>.</summary>
    public VectorMetric Metric { get; set; } = VectorMetric.DotProduct;

    /// <summary>Gets or sets the HNSW out-degree on upper layers; layer 0 keeps 2·M. Defaults to 16.</summary>
    public int M { get; set; } = 16;

    /// <summary>Gets or sets the candidate-list size while inserting. Defaults to 200.</summary>
    public int EfConstruction { get; set; } = 200;

    /// <summary>Gets or sets the default candidate-list size while searching (raised to k when smaller). Defaults to 100.</summary>
    public int EfSearch { get; set; } = 100;

    /// <summary>Gets or sets the seed of the level generator; the same seed and insertion order give the same graph. Defaults to a random seed.</summary>
    public int? Seed { get; set; }

    /// <summary>Gets or sets the number of id slots allocated up front; the index grows itself beyond it. Defaults to 1024.</summary>
    public int InitialCapacity { get; set; } = 1024;

    /// <summary>Gets or sets the vector compression. Defaults to <see cref="VectorQuantization.None"/>.</summary>
    public VectorQuantization Quantization { get; set; } = VectorQuantization.None;

    /// <summary>Gets or sets how many candidates per requested hit a quantized search rescores. Defaults to 4.</summary>
    public int Oversampling { get; set; } = 4;

    /// <summary>
    /// Gets or sets the folder of the memory-mapped scratch file that holds the full float vectors of a quantized index
    /// (see <see cref="RawVectorFile"/>). Defaults to the temp folder; put it on a disk, not a RAM-backed tmpfs.
    /// </summary>
    public string? RawVectorDirectory { get; set; }

    /// <summary>Returns a copy.</summary>
    public VectorIndexOptions Clone() => (VectorIndexOptions)MemberwiseClone();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Dimensions, nameof(Dimensions));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Dimensions, MaxDimensions, nameof(Dimensions));
        if (!Enum.IsDefined(Metric))
        {
            throw new ArgumentOutOfRangeException(nameof(Metric), Metric, "Unknown metric.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(M, 2, nameof(M));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(M, MaxM, nameof(M));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EfConstruction, nameof(EfConstruction));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EfSearch, nameof(EfSearch));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(InitialCapacity, nameof(InitialCapacity));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Oversampling, nameof(Oversampling));
        if (!Enum.IsDefined(Quantization))
        {
            throw new ArgumentOutOfRangeException(nameof(Quantization), Quantization, "Unknown quantization.");
        }

        if (Quantization != VectorQuantization.None && Metric == VectorMetric.Hamming)
        {
            throw new ArgumentOutOfRangeException(nameof(Quantization), Quantization, "Hamming vectors are already one bit per dimension; quantization applies to float vectors only.");
        }
    }
}
