namespace LlamaDb.Retrieval;

/// <summary>Loads plain-text files (<c>.txt</c>, <c>.text</c>, <c>.log</c>, <c>.csv</c>, <c>.tsv</c>) as they are; the title is the file name.</summary>
public sealed class TextDocumentLoader : IDocumentLoader
{
    /// <inheritdoc />
    public bool CanLoad(string path) => TextFileReader.HasExtension(path, ".txt", ".text", ".log", ".csv", ".tsv");

    /// <inheritdoc />
    public async Task<Document> LoadAsync(string path, string? id = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text = await TextFileReader.ReadAsync(path, cancellationToken).ConfigureAwait(false);
        return new Document(id ?? TextFileReader.DefaultId(path), path, text, Path.GetFileNameWithoutExtension(path));
    }
}
