using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace LlamaDb.Embedders.Onnx;

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
