using System.Runtime.InteropServices;

namespace LlamaDb.Embedders.Onnx.Runtime;

/// <summary>An inference session over one model. <see cref="Run"/> is safe to call from several threads.</summary>
internal sealed unsafe class OrtSession : IDisposable
{
    private readonly OrtApi _api;
    private readonly OrtHandle _session;
    private readonly IntPtr[] _inputNames;
    private readonly IntPtr[] _outputNames;

    private OrtSession(OrtApi api, OrtHandle session, string source)
    {
        _api = api;
        _session = session;
        Source = source;
        Inputs = ReadInfos(isInput: true);
        Outputs = ReadInfos(isInput: false);
        _inputNames = new IntPtr[Inputs.Count];
        _outputNames = new IntPtr[Outputs.Count];
        for (int i = 0; i < _inputNames.Length; i++)
        {
            _inputNames[i] = Marshal.StringToCoTaskMemUTF8(Inputs[i].Name);
        }

        for (int i = 0; i < _outputNames.Length; i++)
        {
            _outputNames[i] = Marshal.StringToCoTaskMemUTF8(Outputs[i].Name);
        }

        // Run passes these buffers to ORT while holding a reference on the session handle; they are freed only when the
        // handle is finally released, so disposing during a Run cannot free them under it.
        _session.AfterRelease = FreeNames;
    }

    /// <summary>Where the model came from (a path, or "(bytes)").</summary>
    public string Source { get; }

    public IReadOnlyList<OnnxTensorInfo> Inputs { get; }

    public IReadOnlyList<OnnxTensorInfo> Outputs { get; }

    public static OrtSession FromFile(string modelPath, OnnxSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        options.Validate();
        string full = Path.GetFullPath(modelPath);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"The ONNX model file '{full}' does not exist.", full);
        }

        OrtApi api = OnnxRuntime.GetApi(options.LibraryPath);
        return Create(api, options, full, (env, sessionOptions, session) =>
        {
            if (OperatingSystem.IsWindows())
            {
                fixed (char* path = full)
                {
                    return api.CreateSession(env, path, sessionOptions, session);
                }
            }

            IntPtr utf8 = Marshal.StringToCoTaskMemUTF8(full);
            try
            {
                return api.CreateSession(env, (void*)utf8, sessionOptions, session);
            }
            finally
            {
                Marshal.FreeCoTaskMem(utf8);
            }
        });
    }

    public static OrtSession FromBytes(ReadOnlyMemory<byte> model, OnnxSessionOptions options)
    {
        options.Validate();
        if (model.IsEmpty)
        {
            throw new ArgumentException("The model bytes are empty.", nameof(model));
        }

        OrtApi api = OnnxRuntime.GetApi(options.LibraryPath);
        return Create(api, options, "(model bytes)", (env, sessionOptions, session) =>
        {
            using System.Buffers.MemoryHandle pin = model.Pin();
            return api.CreateSessionFromArray(env, pin.Pointer, (nuint)model.Length, sessionOptions, session);
        });
    }

    private delegate IntPtr CreateSessionCall(IntPtr env, IntPtr sessionOptions, IntPtr* session);

    private static OrtSession Create(OrtApi api, OnnxSessionOptions options, string source, CreateSessionCall create)
    {
        IntPtr sessionOptions;
        api.Check(api.CreateSessionOptions(&sessionOptions), "CreateSessionOptions");
        try
        {
            const int Sequential = 0;
            api.Check(api.SetIntraOpNumThreads(sessionOptions, options.IntraOpThreads), "SetIntraOpNumThreads");
            api.Check(api.SetInterOpNumThreads(sessionOptions, 1), "SetInterOpNumThreads");
            api.Check(api.SetSessionExecutionMode(sessionOptions, Sequential), "SetSessionExecutionMode");
            api.Check(api.SetSessionGraphOptimizationLevel(sessionOptions, (int)options.GraphOptimizationLevel), "SetSessionGraphOptimizationLevel");

            IntPtr session;
            IntPtr status = create(OnnxRuntime.Environment, sessionOptions, &session);
            api.Check(status, $"Loading ONNX model '{source}'");
            return new OrtSession(api, new OrtHandle(session, api.ReleaseSession), source);
        }
        finally
        {
            api.ReleaseSessionOptions(sessionOptions);
        }
    }

    /// <summary>
    /// Runs the model on <paramref name="inputs"/> and returns output <paramref name="outputIndex"/>.
    /// Cancellation terminates a run in progress.
    /// </summary>
    public OrtOutput Run(ReadOnlySpan<OrtInput> inputs, int outputIndex, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(outputIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(outputIndex, Outputs.Count);
        cancellationToken.ThrowIfCancellationRequested();

        int count = inputs.Length;
        IntPtr* values = stackalloc IntPtr[count];
        IntPtr* names = stackalloc IntPtr[count];
        new Span<IntPtr>(values, count).Clear();
        IntPtr runOptions = IntPtr.Zero;
        bool addRef = false;
        _session.DangerousAddRef(ref addRef);
        try
        {
            for (int i = 0; i < count; i++)
            {
                ref readonly OrtInput input = ref inputs[i];
                names[i] = _inputNames[input.InputIndex];
                fixed (long* shape = input.Shape)
                {
                    IntPtr value;
                    _api.Check(
                        _api.CreateTensorWithDataAsOrtValue(
                            OnnxRuntime.CpuMemoryInfo, (void*)input.Data, (nuint)input.ByteLength, shape, (nuint)input.Shape.Length, (int)input.ElementType, &value),
                        $"Creating input tensor '{Inputs[input.InputIndex].Name}'");
                    values[i] = value;
                }
            }

            _api.Check(_api.CreateRunOptions(&runOptions), "CreateRunOptions");
            IntPtr output = IntPtr.Zero;
            IntPtr outputName = _outputNames[outputIndex];
            IntPtr status;
            using (cancellationToken.CanBeCanceled ? cancellationToken.Register(static state => Terminate((TerminateState)state!), new TerminateState(_api, runOptions)) : default)
            {
                status = _api.Run(_session.DangerousGetHandle(), runOptions, names, values, (nuint)count, &outputName, 1, &output);
            }

            if (status != IntPtr.Zero && cancellationToken.IsCancellationRequested)
            {
                _api.ReleaseStatus(status);
                cancellationToken.ThrowIfCancellationRequested();
            }

            _api.Check(status, "Running the model");
            return new OrtOutput(_api, output);
        }
        finally
        {
            for (int i = 0; i < count; i++)
            {
                if (values[i] != IntPtr.Zero)
                {
                    _api.ReleaseValue(values[i]);
                }
            }

            if (runOptions != IntPtr.Zero)
            {
                _api.ReleaseRunOptions(runOptions);
            }

            if (addRef)
            {
                _session.DangerousRelease();
            }
        }
    }

    private sealed record TerminateState(OrtApi Api, IntPtr RunOptions);

    private static void Terminate(TerminateState state)
    {
        IntPtr status = state.Api.RunOptionsSetTerminate(state.RunOptions);
        if (status != IntPtr.Zero)
        {
            state.Api.ReleaseStatus(status);
        }
    }

    public void Dispose() => _session.Dispose();

    private void FreeNames()
    {
        foreach (IntPtr name in _inputNames)
        {
            Marshal.FreeCoTaskMem(name);
        }

        foreach (IntPtr name in _outputNames)
        {
            Marshal.FreeCoTaskMem(name);
        }
    }

    private List<OnnxTensorInfo> ReadInfos(bool isInput)
    {
        IntPtr session = _session.DangerousGetHandle();
        nuint count;
        _api.Check(isInput ? _api.SessionGetInputCount(session, &count) : _api.SessionGetOutputCount(session, &count));
        IntPtr allocator;
        _api.Check(_api.GetAllocatorWithDefaultOptions(&allocator));
        var infos = new List<OnnxTensorInfo>((int)count);
        for (nuint i = 0; i < count; i++)
        {
            IntPtr namePtr;
            _api.Check(isInput ? _api.SessionGetInputName(session, i, allocator, &namePtr) : _api.SessionGetOutputName(session, i, allocator, &namePtr));
            string name = Marshal.PtrToStringUTF8(namePtr) ?? string.Empty;
            _api.Check(_api.AllocatorFree(allocator, (void*)namePtr));

            IntPtr typeInfo;
            _api.Check(isInput ? _api.SessionGetInputTypeInfo(session, i, &typeInfo) : _api.SessionGetOutputTypeInfo(session, i, &typeInfo));
            try
            {
                infos.Add(ReadTensorInfo(name, typeInfo));
            }
            finally
            {
                _api.ReleaseTypeInfo(typeInfo);
            }
        }

        return infos;
    }

    private OnnxTensorInfo ReadTensorInfo(string name, IntPtr typeInfo)
    {
        const int TensorType = 1;
        int onnxType;
        _api.Check(_api.GetOnnxTypeFromTypeInfo(typeInfo, &onnxType));
        if (onnxType != TensorType)
        {
            return new OnnxTensorInfo(name, OnnxElementType.Undefined, [], []);
        }

        IntPtr tensorInfo;
        _api.Check(_api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
        int elementType;
        _api.Check(_api.GetTensorElementType(tensorInfo, &elementType));
        nuint rank;
        _api.Check(_api.GetDimensionsCount(tensorInfo, &rank));
        long[] dims = new long[(int)rank];
        string[] symbolic = new string[(int)rank];
        if (rank > 0)
        {
            IntPtr* symbols = stackalloc IntPtr[(int)rank];
            fixed (long* d = dims)
            {
                _api.Check(_api.GetDimensions(tensorInfo, d, rank));
            }

            _api.Check(_api.GetSymbolicDimensions(tensorInfo, symbols, rank));
            for (int d = 0; d < (int)rank; d++)
            {
                symbolic[d] = symbols[d] == IntPtr.Zero ? string.Empty : Marshal.PtrToStringUTF8(symbols[d]) ?? string.Empty;
            }
        }

        return new OnnxTensorInfo(name, (OnnxElementType)elementType, dims, symbolic);
    }
}
