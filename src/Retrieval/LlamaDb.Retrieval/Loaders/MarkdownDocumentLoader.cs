using Markdig.Extensions.Yaml;
using Markdig.Syntax;

namespace LlamaDb.Retrieval;

/// <summary>
/// Loads Markdown files (<c>.md</c>, <c>.markdown</c>, <c>.mdx</c>). <see cref="Document.Text"/> is the original Markdown
/// source, unchanged, so chunk offsets index the file's text (and a chunk is the Markdown of its span). The title is the
/// front matter's <c>title</c>, else the first heading, else the file name; simple <c>key: value</c> front-matter lines
/// become metadata.
/// </summary>
public sealed class MarkdownDocumentLoader : IDocumentLoader
{
    /// <inheritdoc />
    public bool CanLoad(string path) => TextFileReader.HasExtension(path, ".md", ".markdown", ".mdx");

    /// <inheritdoc />
    public async Task<Document> LoadAsync(string path, string? id = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text = await TextFileReader.ReadAsync(path, cancellationToken).ConfigureAwait(false);
        return Create(text, id ?? TextFileReader.DefaultId(path), path);
    }

    /// <summary>Creates a document from Markdown text.</summary>
    /// <param name="markdown">The Markdown source.</param>
    /// <param name="id">The document id.</param>
    /// <param name="source">The source path or URL.</param>
    /// <returns>The document; its text is <paramref name="markdown"/> unchanged.</returns>
    public static Document Create(string markdown, string id, string source)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        MarkdownDocument parsed = MarkdownSyntax.Parse(markdown);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        string? title = null;
        foreach (Block block in parsed)
        {
            if (block is YamlFrontMatterBlock front)
            {
                foreach (var line in front.Lines.Lines)
                {
                    string content = line.ToString();
                    int colon = content.IndexOf(':', StringComparison.Ordinal);
                    if (colon > 0 && !char.IsWhiteSpace(content[0]))
                    {
                        string value = content[(colon + 1)..].Trim().Trim('"', '\'');
                        metadata[content[..colon].Trim()] = value;
                    }
                }

                if (metadata.TryGetValue("title", out string? fromFrontMatter) && fromFrontMatter.Length > 0)
                {
                    title = fromFrontMatter;
                }
            }
            else if (title is null && block is HeadingBlock heading)
            {
                title = MarkdownSyntax.PlainText(heading.Inline);
            }
        }

        if (string.IsNullOrEmpty(title))
        {
            title = Path.GetFileNameWithoutExtension(source);
        }

        return new Document(id, source, markdown, title, metadata);
    }
}
