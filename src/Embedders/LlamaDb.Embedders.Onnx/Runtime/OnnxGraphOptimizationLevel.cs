namespace LlamaDb.Embedders.Onnx;

/// <summary>ONNX Runtime graph optimization levels (<c>GraphOptimizationLevel</c>).</summary>
public enum OnnxGraphOptimizationLevel
{
    /// <summary>No graph optimizations.</summary>
    DisableAll = 0,
    /// <summary>Basic optimizations (constant folding, redundant node elimination).</summary>
    Basic = 1,
    /// <summary>Basic plus extended (fusions such as attention and layer normalization).</summary>
    Extended = 2,
    /// <summary>Extended plus layout optimizations (ONNX Runtime 1.22 and later).</summary>
    Layout = 3,
    /// <summary>Every optimization. The default.</summary>
    All = 99,
}
