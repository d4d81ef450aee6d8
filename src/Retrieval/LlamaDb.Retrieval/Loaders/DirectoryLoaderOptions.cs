namespace LlamaDb.Retrieval;

/// <summary>Options of <see cref="DirectoryDocumentLoader"/>.</summary>
public sealed class DirectoryLoaderOptions
{
    /// <summary>Gets the include globs (e.g. <c>**/*.md</c>). Defaults to <c>**/*</c>.</summary>
    public IList<string> Include { get; } = new List<string> { "**/*" };

    /// <summary>Gets the exclude globs (e.g. <c>**/node_modules/**</c>). Defaults to none.</summary>
    public IList<string> Exclude { get; } = new List<string>();

    /// <summary>Gets the loaders, tried in order. Defaults to Markdown, HTML, then plain text.</summary>
    public IList<IDocumentLoader> Loaders { get; } = new List<IDocumentLoader>
    {
        new MarkdownDocumentLoader(),
        new HtmlDocumentLoader(),
        new TextDocumentLoader(),
    };
}
