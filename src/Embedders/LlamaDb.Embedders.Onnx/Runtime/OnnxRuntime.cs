using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
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

/// <summary>Finds and loads the native library, recording every place it looked.</summary>
internal static class OnnxRuntimeLibraryResolver
{
    internal static string[] PlatformFileNames =>
        OperatingSystem.IsWindows() ? ["onnxruntime.dll"]
        : OperatingSystem.IsMacOS() ? ["libonnxruntime.dylib"]
        : ["libonnxruntime.so.1", "libonnxruntime.so"];

    public static (IntPtr Handle, string Path) Load(string? explicitPath)
    {
        var looked = new List<string>();

        if (explicitPath is not null)
        {
            string full = Path.GetFullPath(explicitPath);
            if (TryLoadFile(full, out IntPtr handle, out string? error))
            {
                return (handle, full);
            }

            // An explicit choice that fails is an error of its own: falling back would hide the mistake.
            throw new DllNotFoundException($"The ONNX Runtime library given explicitly could not be loaded: '{full}' ({error}).");
        }

        string? fromEnvironment = System.Environment.GetEnvironmentVariable(OnnxRuntime.LibraryPathEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            string full = Path.GetFullPath(fromEnvironment);
            if (TryLoadFile(full, out IntPtr handle, out string? error))
            {
                return (handle, full);
            }

            throw new DllNotFoundException(
                $"{OnnxRuntime.LibraryPathEnvironmentVariable} names '{full}', which could not be loaded ({error}).");
        }

        looked.Add($"{OnnxRuntime.LibraryPathEnvironmentVariable} environment variable (not set)");

        // The application's own probing: deps.json native assets (the Microsoft.ML.OnnxRuntime package),
        // the application folder and the system loader path.
        Assembly assembly = typeof(OnnxRuntime).Assembly;
        foreach (string name in (string[])["onnxruntime", .. PlatformFileNames])
        {
            if (NativeLibrary.TryLoad(name, assembly, DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.ApplicationDirectory | DllImportSearchPath.SafeDirectories, out IntPtr handle))
            {
                return (handle, ResolveLoadedPath(name));
            }

            looked.Add($"native probing for '{name}' (application folder, NuGet runtime assets, system library path)");
        }

        foreach (string candidate in CacheCandidates())
        {
            if (File.Exists(candidate) && TryLoadFile(candidate, out IntPtr handle, out _))
            {
                return (handle, candidate);
            }

            looked.Add(candidate);
        }

        var message = new StringBuilder();
        message.AppendLine("The ONNX Runtime native library was not found. Looked in:");
        foreach (string place in looked)
        {
            message.Append("  - ").AppendLine(place);
        }

        message.Append("Install it with: ").Append(OnnxRuntime.InstallCommand)
            .Append(" (from the LlamaDb checkout), or reference the Microsoft.ML.OnnxRuntime NuGet package, or set ")
            .Append(OnnxRuntime.LibraryPathEnvironmentVariable).Append(" to the library file.");
        throw new DllNotFoundException(message.ToString());
    }

    /// <summary>The project's cache: .cache/onnxruntime/{version}/ of any folder above the app or the current
    /// directory (a LlamaDb checkout), then the per-user cache.</summary>
    internal static IEnumerable<string> CacheCandidates()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string start in new[] { AppContext.BaseDirectory, System.Environment.CurrentDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                string cacheRoot = Path.Combine(dir.FullName, ".cache", "onnxruntime");
                foreach (string file in CandidatesUnder(cacheRoot))
                {
                    if (seen.Add(file))
                    {
                        yield return file;
                    }
                }
            }
        }

        string home = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home))
        {
            foreach (string file in CandidatesUnder(Path.Combine(home, ".cache", "llamadb", "onnxruntime")))
            {
                if (seen.Add(file))
                {
                    yield return file;
                }
            }
        }
    }

    private static IEnumerable<string> CandidatesUnder(string cacheRoot)
    {
        // The bundled version first, then any other version folder that exists.
        var versions = new List<string> { Path.Combine(cacheRoot, OnnxRuntime.BundledVersion) };
        if (Directory.Exists(cacheRoot))
        {
            foreach (string dir in Directory.EnumerateDirectories(cacheRoot))
            {
                if (!versions.Contains(dir))
                {
                    versions.Add(dir);
                }
            }
        }

        foreach (string dir in versions)
        {
            foreach (string name in PlatformFileNames)
            {
                yield return Path.Combine(dir, name);
            }
        }
    }

    private static bool TryLoadFile(string path, out IntPtr handle, out string? error)
    {
        handle = IntPtr.Zero;
        if (!File.Exists(path))
        {
            error = "file does not exist";
            return false;
        }

        try
        {
            handle = NativeLibrary.Load(path);
            error = null;
            return true;
        }
        catch (DllNotFoundException ex)
        {
            error = ex.Message;
            return false;
        }
        catch (BadImageFormatException ex)
        {
            error = ex.Message;
            return false;
        }
    }

    private static string ResolveLoadedPath(string name)
    {
        // The loader does not say which file it picked; /proc/self/maps does on Linux.
        if (OperatingSystem.IsLinux())
        {
            try
            {
                foreach (string line in File.ReadLines("/proc/self/maps"))
                {
                    int slash = line.IndexOf('/', StringComparison.Ordinal);
                    if (slash >= 0 && line.Contains("libonnxruntime.so", StringComparison.Ordinal))
                    {
                        return line[slash..].Trim();
                    }
                }
            }
            catch (IOException)
            {
                // Fall through to the probing name.
            }
        }

        return name;
    }
}
