using System.Runtime.CompilerServices;

namespace LlamaDb.Tests;

/// <summary>Finds the repository root (the folder with LlamaDb.sln) and the shared assets beside it.</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> s_repositoryRoot = new(FindRepositoryRoot);

    /// <summary>The folder holding LlamaDb.sln.</summary>
    public static string RepositoryRoot => s_repositoryRoot.Value;

    /// <summary>../shared beside the repository, or LLAMADB_SHARED when set.</summary>
    public static string SharedDirectory
    {
        get
        {
            string? fromEnvironment = Environment.GetEnvironmentVariable("LLAMADB_SHARED");
            string shared = !string.IsNullOrEmpty(fromEnvironment) ? fromEnvironment : Path.Combine(RepositoryRoot, "..", "shared");
            return Path.GetFullPath(shared);
        }
    }

    /// <summary>The folder of the shared model <paramref name="name"/>.</summary>
    public static string Models(string name) => Path.Combine(SharedDirectory, "models", name);

    /// <summary>A generated test model folder (scripts/make-test-models.sh writes them to .cache/test-models).</summary>
    public static string TestModel(string name) => Path.Combine(RepositoryRoot, ".cache", "test-models", name);

    private static string FindRepositoryRoot()
    {
        // The build output may live outside the repository (-p:ArtifactsPath=/tmp/...), so fall back to the
        // working directory and to where this source file was compiled from.
        string?[] starts = [AppContext.BaseDirectory, Directory.GetCurrentDirectory(), Path.GetDirectoryName(SourceFilePath())];
        foreach (string? start in starts)
        {
            for (DirectoryInfo? dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LlamaDb.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"Could not find LlamaDb.sln above '{AppContext.BaseDirectory}'.");
    }

    private static string SourceFilePath([CallerFilePath] string path = "") => path;
}
