namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>The parameters at the start of an index snapshot, after the magic and format version.</summary>
internal readonly record struct SnapshotHeader(
    VectorIndexKind Kind,
    VectorMetric Metric,
    int Dimensions,
    int M,
    int EfConstruction,
    int EfSearch,
    long LevelSeed,
    int IdLimit,
    int Count,
    int EntryPoint,
    int TopLevel,
    VectorQuantization Quantization = VectorQuantization.None,
    int Oversampling = 4)
{
    /// <summary>Options equivalent to the header (validated).</summary>
    public VectorIndexOptions ToOptions(string? rawVectorDirectory = null)
    {
        var options = new VectorIndexOptions
        {
            Dimensions = Dimensions,
            Metric = Metric,
            M = M,
            EfConstruction = EfConstruction,
            EfSearch = EfSearch,
            InitialCapacity = Math.Max(IdLimit, 1),
            Quantization = Quantization,
            Oversampling = Oversampling,
            RawVectorDirectory = rawVectorDirectory,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new InvalidDataException($"The index snapshot has an invalid parameter {ex.ParamName}: {ex.Message}", ex);
        }

        return options;
    }
}
