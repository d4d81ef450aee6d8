using System.Runtime.InteropServices;
using LlamaDb.Embedders.Onnx.Runtime;

namespace LlamaDb.Embedders.Onnx;

/// <summary>
/// The process-wide ONNX Runtime native library: where it was found, its version, and the one
/// <c>OrtEnv</c> every session shares.
/// </summary>
/// <remarks>
/// The library is resolved once, in this order: an explicit path (<see cref="Initialize(string?)"/> or
/// <see cref="OnnxSessionOptions.LibraryPath"/>); the <c>LLAMADB_ONNXRUNTIME</c> environment variable (a file path);
/// the application's normal native probing (so an app that references the <c>Microsoft.ML.OnnxRuntime</c> NuGet
/// package, or ships <c>libonnxruntime.so.1</c> beside itself, just works); the project's local cache
/// (<c>.cache/onnxruntime/&lt;version&gt;/</c> of a LlamaDb checkout, or <c>~/.cache/llamadb/onnxruntime/&lt;version&gt;/</c>).
/// </remarks>
public static class OnnxRuntime
{
    /// <summary>The environment variable that names the native library file.</summary>
    public const string LibraryPathEnvironmentVariable = "LLAMADB_ONNXRUNTIME";

    /// <summary>The ONNX Runtime version the project's install script fetches.</summary>
    public const string BundledVersion = "1.30.0";

    /// <summary>The command that installs the native library into the project's cache.</summary>
    public const string InstallCommand = "bash scripts/install-onnxruntime.sh";

    private static readonly Lock s_lock = new();
    private static OrtApi? s_api;
    private static string? s_libraryPath;
    private static IntPtr s_env;
    private static IntPtr s_cpuMemoryInfo;

    /// <summary>The loaded runtime's version string (for example "1.30.0"). Loads the library if needed.</summary>
    public static string Version => Api.Version;

    /// <summary>The file the native library was loaded from, or null before it is loaded.</summary>
    public static string? LibraryPath => Volatile.Read(ref s_libraryPath);

    /// <summary>Whether the native library has been loaded.</summary>
    public static bool IsLoaded => Volatile.Read(ref s_api) is not null;

    /// <summary>
    /// Loads the native library now. With a path, that file is used; a later call naming another file throws,
    /// because one process can hold one ONNX Runtime.
    /// </summary>
    /// <param name="libraryPath">An explicit path to <c>libonnxruntime.so.1</c> (or onnxruntime.dll / libonnxruntime.dylib).</param>
    /// <exception cref="DllNotFoundException">No library was found; the message lists every place that was looked at.</exception>
    public static void Initialize(string? libraryPath = null) => GetApi(libraryPath);

    internal static OrtApi Api => GetApi(null);

    internal static IntPtr Environment
    {
        get
        {
            _ = Api;
            return s_env;
        }
    }

    internal static IntPtr CpuMemoryInfo
    {
        get
        {
            _ = Api;
            return s_cpuMemoryInfo;
        }
    }

    internal static OrtApi GetApi(string? explicitPath)
    {
        OrtApi? api = Volatile.Read(ref s_api);
        if (api is not null)
        {
            EnsureSameLibrary(explicitPath);
            return api;
        }

        lock (s_lock)
        {
            if (s_api is not null)
            {
                EnsureSameLibrary(explicitPath);
                return s_api;
            }

            (IntPtr handle, string path) = OnnxRuntimeLibraryResolver.Load(explicitPath);
            IntPtr export = NativeLibrary.GetExport(handle, "OrtGetApiBase");
            OrtApi loaded = OrtApi.FromApiBase(export, path);
            CreateEnvironment(loaded);
            s_libraryPath = path;
            Volatile.Write(ref s_api, loaded);
            return loaded;
        }
    }

    private static unsafe void CreateEnvironment(OrtApi api)
    {
        const int WarningLevel = 2;
        const int ArenaAllocator = 1;
        const int DefaultMemType = 0;
        IntPtr env;
        fixed (byte* logId = "llamadb\0"u8)
        {
            api.Check(api.CreateEnv(WarningLevel, logId, &env), "CreateEnv");
        }

        IntPtr memoryInfo;
        api.Check(api.CreateCpuMemoryInfo(ArenaAllocator, DefaultMemType, &memoryInfo), "CreateCpuMemoryInfo");

        // Both live as long as the process: ONNX Runtime allows one environment per process and sessions
        // created from it may outlive any single owner.
        s_env = env;
        s_cpuMemoryInfo = memoryInfo;
    }

    private static void EnsureSameLibrary(string? explicitPath)
    {
        if (explicitPath is null || s_libraryPath is null)
        {
            return;
        }

        if (!string.Equals(Path.GetFullPath(explicitPath), s_libraryPath, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"ONNX Runtime is already loaded from '{s_libraryPath}'; a process can load one ONNX Runtime, so '{explicitPath}' cannot be used as well.");
        }
    }
}
