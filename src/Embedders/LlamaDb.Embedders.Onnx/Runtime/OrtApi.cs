using System.Runtime.InteropServices;

namespace LlamaDb.Embedders.Onnx.Runtime;

/// <summary>
/// The slice of ONNX Runtime's <c>OrtApi</c> function table that LlamaDb calls, read from
/// <c>OrtGetApiBase()-&gt;GetApi(ApiVersion)</c>. Indices are the positions of the function pointers in the
/// C struct <c>OrtApi</c> (onnxruntime_c_api.h); the table only ever grows at the end, so they are stable.
/// </summary>
internal sealed unsafe class OrtApi
{
    /// <summary>Every function used here exists since API version 1, so that is what we ask for.</summary>
    public const uint ApiVersion = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct OrtApiBase
    {
        public delegate* unmanaged[Cdecl]<uint, IntPtr> GetApi;
        public delegate* unmanaged[Cdecl]<IntPtr> GetVersionString;
    }

    private const int CreateStatusIndex = 0;
    private const int GetErrorCodeIndex = 1;
    private const int GetErrorMessageIndex = 2;
    private const int CreateEnvIndex = 3;
    private const int CreateSessionIndex = 7;
    private const int CreateSessionFromArrayIndex = 8;
    private const int RunIndex = 9;
    private const int CreateSessionOptionsIndex = 10;
    private const int SetSessionExecutionModeIndex = 13;
    private const int SetSessionGraphOptimizationLevelIndex = 23;
    private const int SetIntraOpNumThreadsIndex = 24;
    private const int SetInterOpNumThreadsIndex = 25;
    private const int SessionGetInputCountIndex = 30;
    private const int SessionGetOutputCountIndex = 31;
    private const int SessionGetInputTypeInfoIndex = 33;
    private const int SessionGetOutputTypeInfoIndex = 34;
    private const int SessionGetInputNameIndex = 36;
    private const int SessionGetOutputNameIndex = 37;
    private const int CreateRunOptionsIndex = 39;
    private const int RunOptionsSetTerminateIndex = 46;
    private const int CreateTensorWithDataAsOrtValueIndex = 49;
    private const int GetTensorMutableDataIndex = 51;
    private const int CastTypeInfoToTensorInfoIndex = 55;
    private const int GetOnnxTypeFromTypeInfoIndex = 56;
    private const int GetTensorElementTypeIndex = 60;
    private const int GetDimensionsCountIndex = 61;
    private const int GetDimensionsIndex = 62;
    private const int GetSymbolicDimensionsIndex = 63;
    private const int GetTensorTypeAndShapeIndex = 65;
    private const int CreateCpuMemoryInfoIndex = 69;
    private const int AllocatorFreeIndex = 76;
    private const int GetAllocatorWithDefaultOptionsIndex = 78;
    private const int ReleaseEnvIndex = 92;
    private const int ReleaseStatusIndex = 93;
    private const int ReleaseMemoryInfoIndex = 94;
    private const int ReleaseSessionIndex = 95;
    private const int ReleaseValueIndex = 96;
    private const int ReleaseRunOptionsIndex = 97;
    private const int ReleaseTypeInfoIndex = 98;
    private const int ReleaseTensorTypeAndShapeInfoIndex = 99;
    private const int ReleaseSessionOptionsIndex = 100;

    public readonly delegate* unmanaged[Cdecl]<int, byte*, IntPtr> CreateStatus;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int> GetErrorCode;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr> GetErrorMessage;
    public readonly delegate* unmanaged[Cdecl]<int, byte*, IntPtr*, IntPtr> CreateEnv;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void*, IntPtr, IntPtr*, IntPtr> CreateSession;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void*, nuint, IntPtr, IntPtr*, IntPtr> CreateSessionFromArray;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr*, IntPtr*, nuint, IntPtr*, nuint, IntPtr*, IntPtr> Run;
    public readonly delegate* unmanaged[Cdecl]<IntPtr*, IntPtr> CreateSessionOptions;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr> SetSessionExecutionMode;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr> SetSessionGraphOptimizationLevel;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr> SetIntraOpNumThreads;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr> SetInterOpNumThreads;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr> SessionGetInputCount;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr> SessionGetOutputCount;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr*, IntPtr> SessionGetInputTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr*, IntPtr> SessionGetOutputTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr, IntPtr*, IntPtr> SessionGetInputName;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr, IntPtr*, IntPtr> SessionGetOutputName;
    public readonly delegate* unmanaged[Cdecl]<IntPtr*, IntPtr> CreateRunOptions;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr> RunOptionsSetTerminate;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr> CreateTensorWithDataAsOrtValue;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void**, IntPtr> GetTensorMutableData;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr> CastTypeInfoToTensorInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr> GetOnnxTypeFromTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr> GetTensorElementType;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr> GetDimensionsCount;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, long*, nuint, IntPtr> GetDimensions;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, nuint, IntPtr> GetSymbolicDimensions;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr> GetTensorTypeAndShape;
    public readonly delegate* unmanaged[Cdecl]<int, int, IntPtr*, IntPtr> CreateCpuMemoryInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void*, IntPtr> AllocatorFree;
    public readonly delegate* unmanaged[Cdecl]<IntPtr*, IntPtr> GetAllocatorWithDefaultOptions;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseEnv;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseStatus;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseMemoryInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseSession;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseValue;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseRunOptions;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseTensorTypeAndShapeInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseSessionOptions;

    private OrtApi(IntPtr* table, string version)
    {
        Version = version;
        CreateStatus = (delegate* unmanaged[Cdecl]<int, byte*, IntPtr>)table[CreateStatusIndex];
        GetErrorCode = (delegate* unmanaged[Cdecl]<IntPtr, int>)table[GetErrorCodeIndex];
        GetErrorMessage = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr>)table[GetErrorMessageIndex];
        CreateEnv = (delegate* unmanaged[Cdecl]<int, byte*, IntPtr*, IntPtr>)table[CreateEnvIndex];
        CreateSession = (delegate* unmanaged[Cdecl]<IntPtr, void*, IntPtr, IntPtr*, IntPtr>)table[CreateSessionIndex];
        CreateSessionFromArray = (delegate* unmanaged[Cdecl]<IntPtr, void*, nuint, IntPtr, IntPtr*, IntPtr>)table[CreateSessionFromArrayIndex];
        Run = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr*, IntPtr*, nuint, IntPtr*, nuint, IntPtr*, IntPtr>)table[RunIndex];
        CreateSessionOptions = (delegate* unmanaged[Cdecl]<IntPtr*, IntPtr>)table[CreateSessionOptionsIndex];
        SetSessionExecutionMode = (delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)table[SetSessionExecutionModeIndex];
        SetSessionGraphOptimizationLevel = (delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)table[SetSessionGraphOptimizationLevelIndex];
        SetIntraOpNumThreads = (delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)table[SetIntraOpNumThreadsIndex];
        SetInterOpNumThreads = (delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)table[SetInterOpNumThreadsIndex];
        SessionGetInputCount = (delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)table[SessionGetInputCountIndex];
        SessionGetOutputCount = (delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)table[SessionGetOutputCountIndex];
        SessionGetInputTypeInfo = (delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr*, IntPtr>)table[SessionGetInputTypeInfoIndex];
        SessionGetOutputTypeInfo = (delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr*, IntPtr>)table[SessionGetOutputTypeInfoIndex];
        SessionGetInputName = (delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr, IntPtr*, IntPtr>)table[SessionGetInputNameIndex];
        SessionGetOutputName = (delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr, IntPtr*, IntPtr>)table[SessionGetOutputNameIndex];
        CreateRunOptions = (delegate* unmanaged[Cdecl]<IntPtr*, IntPtr>)table[CreateRunOptionsIndex];
        RunOptionsSetTerminate = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr>)table[RunOptionsSetTerminateIndex];
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged[Cdecl]<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr>)table[CreateTensorWithDataAsOrtValueIndex];
        GetTensorMutableData = (delegate* unmanaged[Cdecl]<IntPtr, void**, IntPtr>)table[GetTensorMutableDataIndex];
        CastTypeInfoToTensorInfo = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr>)table[CastTypeInfoToTensorInfoIndex];
        GetOnnxTypeFromTypeInfo = (delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr>)table[GetOnnxTypeFromTypeInfoIndex];
        GetTensorElementType = (delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr>)table[GetTensorElementTypeIndex];
        GetDimensionsCount = (delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)table[GetDimensionsCountIndex];
        GetDimensions = (delegate* unmanaged[Cdecl]<IntPtr, long*, nuint, IntPtr>)table[GetDimensionsIndex];
        GetSymbolicDimensions = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, nuint, IntPtr>)table[GetSymbolicDimensionsIndex];
        GetTensorTypeAndShape = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr>)table[GetTensorTypeAndShapeIndex];
        CreateCpuMemoryInfo = (delegate* unmanaged[Cdecl]<int, int, IntPtr*, IntPtr>)table[CreateCpuMemoryInfoIndex];
        AllocatorFree = (delegate* unmanaged[Cdecl]<IntPtr, void*, IntPtr>)table[AllocatorFreeIndex];
        GetAllocatorWithDefaultOptions = (delegate* unmanaged[Cdecl]<IntPtr*, IntPtr>)table[GetAllocatorWithDefaultOptionsIndex];
        ReleaseEnv = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[ReleaseEnvIndex];
        ReleaseStatus = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[ReleaseStatusIndex];
        ReleaseMemoryInfo = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[ReleaseMemoryInfoIndex];
        ReleaseSession = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[ReleaseSessionIndex];
        ReleaseValue = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[ReleaseValueIndex];
        ReleaseRunOptions = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[ReleaseRunOptionsIndex];
        ReleaseTypeInfo = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[ReleaseTypeInfoIndex];
        ReleaseTensorTypeAndShapeInfo = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[ReleaseTensorTypeAndShapeInfoIndex];
        ReleaseSessionOptions = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[ReleaseSessionOptionsIndex];
    }

    /// <summary>The runtime's own version string, e.g. "1.30.0".</summary>
    public string Version { get; }

    /// <summary>Reads the function table through the library's exported <c>OrtGetApiBase</c>.</summary>
    public static OrtApi FromApiBase(IntPtr getApiBaseExport, string libraryPath)
    {
        var getApiBase = (delegate* unmanaged[Cdecl]<OrtApiBase*>)getApiBaseExport;
        OrtApiBase* apiBase = getApiBase();
        if (apiBase == null)
        {
            throw new OnnxRuntimeException(OrtErrorCode.Fail, $"OrtGetApiBase() returned null in '{libraryPath}'.");
        }

        string version = Marshal.PtrToStringUTF8(apiBase->GetVersionString()) ?? "unknown";
        IntPtr table = apiBase->GetApi(ApiVersion);
        if (table == IntPtr.Zero)
        {
            throw new OnnxRuntimeException(
                OrtErrorCode.Fail,
                $"ONNX Runtime {version} at '{libraryPath}' does not provide API version {ApiVersion}.");
        }

        var api = new OrtApi((IntPtr*)table, version);
        api.SelfCheck();
        return api;
    }

    /// <summary>Throws <see cref="OnnxRuntimeException"/> for a non-null <c>OrtStatus*</c>, releasing it.</summary>
    public void Check(IntPtr status)
    {
        if (status != IntPtr.Zero)
        {
            ThrowFromStatus(status, context: null);
        }
    }

    /// <summary>Like <see cref="Check(IntPtr)"/>, with a prefix that says what was being done.</summary>
    public void Check(IntPtr status, string context)
    {
        if (status != IntPtr.Zero)
        {
            ThrowFromStatus(status, context);
        }
    }

    private void ThrowFromStatus(IntPtr status, string? context)
    {
        int code = GetErrorCode(status);
        string message = Marshal.PtrToStringUTF8(GetErrorMessage(status)) ?? "(no message)";
        ReleaseStatus(status);
        throw new OnnxRuntimeException((OrtErrorCode)code, context is null ? message : $"{context}: {message}");
    }

    /// <summary>
    /// Round-trips a status through CreateStatus / GetErrorCode / GetErrorMessage so that a library whose table
    /// does not have the layout we expect fails loudly here instead of crashing later.
    /// </summary>
    private void SelfCheck()
    {
        ReadOnlySpan<byte> probe = "llamadb-probe\0"u8;
        fixed (byte* p = probe)
        {
            IntPtr status = CreateStatus((int)OrtErrorCode.NotImplemented, p);
            int code = GetErrorCode(status);
            string? message = Marshal.PtrToStringUTF8(GetErrorMessage(status));
            ReleaseStatus(status);
            if (code != (int)OrtErrorCode.NotImplemented || message != "llamadb-probe")
            {
                throw new OnnxRuntimeException(
                    OrtErrorCode.Fail,
                    $"ONNX Runtime {Version}: the OrtApi function table does not have the expected layout.");
            }
        }
    }
}
