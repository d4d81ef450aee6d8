namespace LlamaDb.Retrieval;

/// <summary>Loads one file as one <see cref="Document"/>.</summary>
public interface IDocumentLoader
{
    /// <summary>Whether this loader handles <paramref name="path"/> (by its extension).</summary>
    /// <param name="path">The file path.</param>
    /// <returns>True when the loader handles the file.</returns>
    bool CanLoad(string path);

    /// <summary>Loads a file.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="id">The document id; defaults to <paramref name="path"/> with '/' separators.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The document.</returns>
    /// <exception cref="DocumentLoadException">The file cannot be read or decoded.</exception>
    Task<Document> LoadAsync(string path, string? id = null, CancellationToken cancellationToken = default);
}
