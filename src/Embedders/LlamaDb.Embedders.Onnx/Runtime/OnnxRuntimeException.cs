namespace LlamaDb.Embedders.Onnx;

/// <summary>An error reported by ONNX Runtime (an <c>OrtStatus</c>), with its error code and message.</summary>
public sealed class OnnxRuntimeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OnnxRuntimeException()
        : this(OrtErrorCode.Fail, "ONNX Runtime reported an error.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public OnnxRuntimeException(string message)
        : this(OrtErrorCode.Fail, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public OnnxRuntimeException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorCode = OrtErrorCode.Fail;
    }

    /// <summary>Creates the exception with ONNX Runtime's error code and message.</summary>
    public OnnxRuntimeException(OrtErrorCode errorCode, string message)
        : base($"[ONNXRuntimeError] {errorCode}: {message}")
    {
        ErrorCode = errorCode;
        RuntimeMessage = message;
    }

    /// <summary>The <c>OrtErrorCode</c> ONNX Runtime returned.</summary>
    public OrtErrorCode ErrorCode { get; }

    /// <summary>The message exactly as ONNX Runtime returned it.</summary>
    public string? RuntimeMessage { get; }
}
