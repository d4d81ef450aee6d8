namespace LlamaDb.Connectors.Hnsw.Engine;

/// <summary>A record as the engine stores it: the key, data values by data-property position, vectors by vector-property position.</summary>
/// <param name="Key">The normalized key.</param>
/// <param name="Data">Data values, one per data property of the schema.</param>
/// <param name="Vectors">Vectors, one per vector property (null when absent or not requested).</param>
/// <param name="Norms">In stored records: the L2 norm each normalized (cosine) vector had before normalization, so the
/// original vector can be returned; null when no property normalizes.</param>
internal sealed record EngineRecord(object Key, object?[] Data, float[]?[] Vectors, float[]? Norms = null);
