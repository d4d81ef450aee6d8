using System.Runtime.CompilerServices;

namespace LlamaDb.Embedders.Onnx.Tests;

/// <summary>Locates the shared test assets (<c>../shared</c> next to the repository root).</summary>
internal static class TestPaths
{
    /// <summary>Gets the full path of the shared folder next to the folder holding <c>LlamaDb.sln</c>.</summary>
    public static string SharedDirectory { get; } = FindSharedDirectory();

    /// <summary>Returns the folder of the shared model <paramref name="name"/>.</summary>
    public static string Models(string name) => Path.Combine(SharedDirectory, "models", name);

    private static string FindSharedDirectory()
    {
        // The build output may live outside the repository (-p:ArtifactsPath=/tmp/...), so fall back to the
        // working directory and to where this source file was compiled from.
        string?[] starts = [AppContext.BaseDirectory, Directory.GetCurrentDirectory(), Path.GetDirectoryName(SourceFilePath())];
        foreach (var start in starts)
        {
            for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LlamaDb.sln")))
                {
                    return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
                }
            }
        }

        throw new InvalidOperationException($"Could not find LlamaDb.sln above '{AppContext.BaseDirectory}' to locate ../shared.");
    }

    private static string SourceFilePath([CallerFilePath] string path = "") => path;
}
