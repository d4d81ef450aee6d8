namespace LlamaDb.VectorData;

/// <summary>Index kinds a vector property can ask for (Microsoft.Extensions.VectorData names).</summary>
public static class IndexKind
{
    /// <summary>Hierarchical navigable small world graph: approximate, fast.</summary>
    public const string Hnsw = nameof(Hnsw);

    /// <summary>Exact brute-force search.</summary>
    public const string Flat = nameof(Flat);

    /// <summary>Inverted file with flat lists.</summary>
    public const string IvfFlat = nameof(IvfFlat);

    /// <summary>DiskANN graph.</summary>
    public const string DiskAnn = nameof(DiskAnn);

    /// <summary>Flat search over quantized vectors.</summary>
    public const string QuantizedFlat = nameof(QuantizedFlat);

    /// <summary>The store chooses.</summary>
    public const string Dynamic = nameof(Dynamic);
}
