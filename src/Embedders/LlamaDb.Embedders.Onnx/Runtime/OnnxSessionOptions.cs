namespace LlamaDb.Embedders.Onnx;

/// <summary>How an ONNX Runtime session is created.</summary>
public sealed class OnnxSessionOptions
{
    /// <summary>Threads one inference may use. Defaults to <see cref="Environment.ProcessorCount"/>.</summary>
    public int IntraOpThreads { get; set; } = Environment.ProcessorCount;

    /// <summary>Graph optimization level. Defaults to <see cref="OnnxGraphOptimizationLevel.All"/>.</summary>
    public OnnxGraphOptimizationLevel GraphOptimizationLevel { get; set; } = OnnxGraphOptimizationLevel.All;

    /// <summary>
    /// An explicit path to the native library (<c>libonnxruntime.so.1</c>). Defaults to null: the resolver looks in
    /// <c>LLAMADB_ONNXRUNTIME</c>, the application's native probing, then the project's cache.
    /// </summary>
    public string? LibraryPath { get; set; }

    /// <summary>Creates a copy.</summary>
    public OnnxSessionOptions Clone() => (OnnxSessionOptions)MemberwiseClone();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(IntraOpThreads, nameof(IntraOpThreads));
        if (!Enum.IsDefined(GraphOptimizationLevel))
        {
            throw new ArgumentOutOfRangeException(nameof(GraphOptimizationLevel), GraphOptimizationLevel, "Unknown graph optimization level.");
        }
    }
}
