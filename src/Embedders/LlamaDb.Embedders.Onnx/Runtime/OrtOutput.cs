namespace LlamaDb.Embedders.Onnx.Runtime;

/// <summary>An output tensor owned by ONNX Runtime; read it, then dispose it.</summary>
internal sealed unsafe class OrtOutput : IDisposable
{
    private readonly OrtApi _api;
    private readonly OrtHandle _value;

    internal OrtOutput(OrtApi api, IntPtr value)
    {
        _api = api;
        _value = new OrtHandle(value, api.ReleaseValue);
        IntPtr shapeInfo;
        api.Check(api.GetTensorTypeAndShape(value, &shapeInfo));
        try
        {
            int elementType;
            api.Check(api.GetTensorElementType(shapeInfo, &elementType));
            ElementType = (OnnxElementType)elementType;
            nuint rank;
            api.Check(api.GetDimensionsCount(shapeInfo, &rank));
            Shape = new long[(int)rank];
            fixed (long* d = Shape)
            {
                api.Check(api.GetDimensions(shapeInfo, d, rank));
            }
        }
        finally
        {
            api.ReleaseTensorTypeAndShapeInfo(shapeInfo);
        }
    }

    public OnnxElementType ElementType { get; }

    public long[] Shape { get; }

    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (long d in Shape)
            {
                n *= d;
            }

            return n;
        }
    }

    /// <summary>The tensor's float data, valid until this object is disposed.</summary>
    public ReadOnlySpan<float> GetFloats()
    {
        if (ElementType != OnnxElementType.Float)
        {
            throw new NotSupportedException($"The model's output has element type {ElementType}; a float32 output is needed.");
        }

        void* data;
        _api.Check(_api.GetTensorMutableData(_value.DangerousGetHandle(), &data));
        return new ReadOnlySpan<float>(data, checked((int)ElementCount));
    }

    public void Dispose() => _value.Dispose();
}
