namespace LlamaDb.Embedders.Onnx.Runtime;

/// <summary>One input for <see cref="OrtSession.Run"/>: pinned data the caller keeps alive during the call.</summary>
internal readonly struct OrtInput(int inputIndex, OnnxElementType elementType, IntPtr data, long byteLength, long[] shape)
{
    public int InputIndex { get; } = inputIndex;
    public OnnxElementType ElementType { get; } = elementType;
    public IntPtr Data { get; } = data;
    public long ByteLength { get; } = byteLength;
    public long[] Shape { get; } = shape;
}
