using System.Runtime.CompilerServices;
using Microsoft.Extensions.FileSystemGlobbing;

namespace LlamaDb.Retrieval;

/// <summary>
/// Loads the files of a folder that match include globs and no exclude glob, each with the first loader that handles it.
/// Document ids are paths relative to the folder with '/' separators (stable across machines). Files no loader handles
/// are skipped; files that cannot be read or decoded are reported and skipped, and loading goes on.
/// </summary>
public sealed class DirectoryDocumentLoader
{
    /// <summary>Creates a loader.</summary>
    /// <param name="options">The options; defaults when null.</param>
    public DirectoryDocumentLoader(DirectoryLoaderOptions? options = null)
    {
        Options = options ?? new DirectoryLoaderOptions();
        if (Options.Include.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "DirectoryLoaderOptions.Include needs at least one glob.");
        }
    }

    /// <summary>Gets the options.</summary>
    public DirectoryLoaderOptions Options { get; }

    /// <summary>The relative paths (with '/' separators, ordinal order) of the files that match the globs.</summary>
    /// <param name="directory">The folder.</param>
    /// <returns>The matching files.</returns>
    public IReadOnlyList<string> GetMatchingFiles(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The folder '{directory}' does not exist.");
        }

        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddIncludePatterns(Options.Include);
        matcher.AddExcludePatterns(Options.Exclude);
        var files = new List<string>();
        foreach (string file in matcher.GetResultsInFullPath(directory))
        {
            files.Add(Path.GetRelativePath(directory, file).Replace('\\', '/'));
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>Loads the matching files.</summary>
    /// <param name="directory">The folder.</param>
    /// <param name="problems">Receives one problem per file that cannot be loaded.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The documents, in ordinal path order.</returns>
    public async IAsyncEnumerable<Document> LoadAsync(string directory, IProgress<DocumentLoadProblem>? problems = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> files = GetMatchingFiles(directory);
        foreach (string relative in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string path = Path.Combine(directory, relative);
            IDocumentLoader? loader = null;
            foreach (IDocumentLoader candidate in Options.Loaders)
            {
                if (candidate.CanLoad(path))
                {
                    loader = candidate;
                    break;
                }
            }

            if (loader is null)
            {
                continue;
            }

            Document? document = null;
            try
            {
                document = await loader.LoadAsync(path, relative, cancellationToken).ConfigureAwait(false);
            }
            catch (DocumentLoadException ex)
            {
                problems?.Report(ex.Problem);
            }

            if (document is not null)
            {
                yield return document;
            }
        }
    }
}
