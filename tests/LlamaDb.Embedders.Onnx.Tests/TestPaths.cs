using System.Runtime.CompilerServices;

namespace LlamaDb.Embedders.Onnx.Tests;

/// <summary>
/// Locates the shared test assets (<c>../shared</c> next to the repository root, the folder holding LlamaDb.sln).
/// </summary>
/// <remarks>
/// Search order: the <c>LLAMADB_SHARED</c> environment variable; then walking up from the test assembly folder,
/// from this source file's compile-time path (needed when building with <c>-p:ArtifactsPath=/tmp/...</c>, where the
/// assembly lives outside the repository) and from the current directory.
/// </remarks>
internal static class TestPaths
{
    private static readonly Lazy<string> s_shared = new(FindSharedDirectory);

    /// <summary>Gets the absolute path of the shared assets folder.</summary>
    public static string SharedDirectory => s_shared.Value;

    /// <summary>Gets the folder of a shared model, e.g. <c>Models("all-MiniLM-L6-v2")</c>.</summary>
    public static string Models(string name) => Path.Combine(SharedDirectory, "models", name);

    private static string FindSharedDirectory()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("LLAMADB_SHARED");
        if (!string.IsNullOrEmpty(fromEnvironment) && Directory.Exists(Path.Combine(fromEnvironment, "models")))
        {
            return Path.GetFullPath(fromEnvironment);
        }

        string?[] starts = [AppContext.BaseDirectory, Path.GetDirectoryName(SourceFilePath()), Environment.CurrentDirectory];
        foreach (string? start in starts)
        {
            if (TryWalkUp(start, out string? shared))
            {
                return shared;
            }
        }

        throw new DirectoryNotFoundException(
            "Could not find the shared assets: no folder with LlamaDb.sln and a sibling 'shared/models' above "
            + $"'{AppContext.BaseDirectory}' or '{SourceFilePath()}'. Set LLAMADB_SHARED to the shared folder.");
    }

    private static bool TryWalkUp(string? start, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? shared)
    {
        for (DirectoryInfo? directory = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start);
             directory is not null;
             directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LlamaDb.sln")))
            {
                string candidate = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared"));
                if (Directory.Exists(Path.Combine(candidate, "models")))
                {
                    shared = candidate;
                    return true;
                }
            }
        }

        shared = null;
        return false;
    }

    private static string SourceFilePath([CallerFilePath] string path = "") => path;
}
