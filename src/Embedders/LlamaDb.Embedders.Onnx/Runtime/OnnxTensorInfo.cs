namespace LlamaDb.Embedders.Onnx;

/// <summary>A model input or output as ONNX Runtime reports it.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="ElementType">Its element type (<see cref="OnnxElementType.Undefined"/> for non-tensors).</param>
/// <param name="Shape">Its dimensions; -1 where a dimension is dynamic.</param>
/// <param name="SymbolicShape">Symbolic dimension names ("batch_size"); empty strings where a dimension is fixed.</param>
public sealed record OnnxTensorInfo(string Name, OnnxElementType ElementType, IReadOnlyList<long> Shape, IReadOnlyList<string> SymbolicShape)
{
    /// <summary>A readable form, such as <c>last_hidden_state: Float[batch_size, sequence_length, 384]</c>.</summary>
    public override string ToString()
    {
        var dims = new string[Shape.Count];
        for (int i = 0; i < dims.Length; i++)
        {
            dims[i] = Shape[i] >= 0 ? Shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture)
                : SymbolicShape.Count > i && SymbolicShape[i].Length > 0 ? SymbolicShape[i] : "?";
        }

        return $"{Name}: {ElementType}[{string.Join(", ", dims)}]";
    }
}
