namespace LlamaDb.Embedders.Onnx.Tests;

/// <summary>Finds the repository root (the folder with LlamaDb.sln) and ../shared beside it.</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> s_repositoryRoot = new(FindRepositoryRoot);

    public static string RepositoryRoot => s_repositoryRoot.Value;

    public static string SharedDirectory
    {
        get
        {
            string? fromEnvironment = Environment.GetEnvironmentVariable("LLAMADB_SHARED");
            string shared = !string.IsNullOrEmpty(fromEnvironment) ? fromEnvironment : Path.Combine(RepositoryRoot, "..", "shared");
            return Path.GetFullPath(shared);
        }
    }

    public static string Models(string name) => Path.Combine(SharedDirectory, "models", name);

    /// <summary>A generated test model folder (scripts/make-test-models.sh writes them to .cache/test-models).</summary>
    public static string TestModel(string name) => Path.Combine(RepositoryRoot, ".cache", "test-models", name);

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlamaDb.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No LlamaDb.sln above '{AppContext.BaseDirectory}'.");
    }
}
