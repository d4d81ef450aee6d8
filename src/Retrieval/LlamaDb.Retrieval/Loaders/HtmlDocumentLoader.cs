using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace LlamaDb.Retrieval;

/// <summary>
/// Loads HTML files (<c>.html</c>, <c>.htm</c>, <c>.xhtml</c>) with AngleSharp. The title is <c>&lt;title&gt;</c>, else the
/// first <c>&lt;h1&gt;</c>, else the file name. The text is the main content (<c>&lt;main&gt;</c>, else
/// <c>&lt;article&gt;</c>, else <c>&lt;body&gt;</c>) without scripts, styles, navigation, asides, footers, forms and hidden
/// elements: block elements become paragraphs (blank lines), <c>&lt;br&gt;</c> and list items become line breaks, runs of
/// whitespace collapse to one space except inside <c>&lt;pre&gt;</c>. Chunk offsets index this extracted text.
/// </summary>
public sealed class HtmlDocumentLoader : IDocumentLoader
{
    private static readonly HashSet<string> s_dropped = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "noscript", "template", "nav", "aside", "footer", "form", "svg", "iframe", "button", "select", "head",
    };

    private static readonly HashSet<string> s_blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "section", "article", "main", "header", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table",
        "blockquote", "pre", "figure", "figcaption", "hr", "address", "details", "summary",
    };

    private static readonly HashSet<string> s_lines = new(StringComparer.OrdinalIgnoreCase) { "li", "tr", "dt", "dd", "caption" };

    /// <inheritdoc />
    public bool CanLoad(string path) => TextFileReader.HasExtension(path, ".html", ".htm", ".xhtml");

    /// <inheritdoc />
    public async Task<Document> LoadAsync(string path, string? id = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string html = await TextFileReader.ReadAsync(path, cancellationToken).ConfigureAwait(false);
        return Create(html, id ?? TextFileReader.DefaultId(path), path);
    }

    /// <summary>Creates a document from HTML.</summary>
    /// <param name="html">The HTML source.</param>
    /// <param name="id">The document id.</param>
    /// <param name="source">The source path or URL.</param>
    /// <returns>The document with the extracted title and main text.</returns>
    public static Document Create(string html, string id, string source)
    {
        ArgumentNullException.ThrowIfNull(html);
        var parser = new HtmlParser();
        using IHtmlDocument document = parser.ParseDocument(html);
        string? title = Collapse(document.Title);
        if (string.IsNullOrEmpty(title))
        {
            title = Collapse(document.QuerySelector("h1")?.TextContent);
        }

        if (string.IsNullOrEmpty(title))
        {
            title = Path.GetFileNameWithoutExtension(source);
        }

        IElement? root = document.QuerySelector("main") ?? document.QuerySelector("article") ?? document.Body ?? document.DocumentElement;
        var builder = new StringBuilder();
        if (root is not null)
        {
            Walk(root, builder, preformatted: false);
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (document.DocumentElement?.GetAttribute("lang") is { Length: > 0 } lang)
        {
            metadata["lang"] = lang;
        }

        return new Document(id, source, Normalize(builder), title, metadata);
    }

    private static void Walk(INode node, StringBuilder builder, bool preformatted)
    {
        foreach (INode child in node.ChildNodes)
        {
            if (child is IText text)
            {
                if (preformatted)
                {
                    builder.Append(text.Data);
                }
                else
                {
                    AppendCollapsed(text.Data, builder);
                }
            }
            else if (child is IElement element)
            {
                string name = element.LocalName;
                if (s_dropped.Contains(name) || element.HasAttribute("hidden") ||
                    string.Equals(element.GetAttribute("role"), "navigation", StringComparison.OrdinalIgnoreCase) ||
                    string.Equals(element.GetAttribute("aria-hidden"), "true", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (string.Equals(name, "br", StringComparison.OrdinalIgnoreCase))
                {
                    builder.Append('\n');
                    continue;
                }

                bool block = s_blocks.Contains(name);
                bool line = s_lines.Contains(name);
                if (block)
                {
                    builder.Append("\n\n");
                }
                else if (line && builder.Length > 0 && builder[^1] != '\n')
                {
                    builder.Append('\n');
                }

                Walk(element, builder, preformatted || string.Equals(name, "pre", StringComparison.OrdinalIgnoreCase));
                if (block)
                {
                    builder.Append("\n\n");
                }
                else if (line && builder.Length > 0 && builder[^1] != '\n')
                {
                    builder.Append('\n');
                }
                else if (name is "td" or "th")
                {
                    builder.Append(' ');
                }
            }
        }
    }

    private static void AppendCollapsed(string text, StringBuilder builder)
    {
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                if (builder.Length > 0 && builder[^1] is not (' ' or '\n'))
                {
                    builder.Append(' ');
                }
            }
            else
            {
                builder.Append(c);
            }
        }
    }

    /// <summary>Trims each line's edges and keeps at most one blank line between paragraphs.</summary>
    private static string Normalize(StringBuilder builder)
    {
        string[] lines = builder.ToString().Split('\n');
        var result = new StringBuilder(builder.Length);
        int blank = 0;
        foreach (string raw in lines)
        {
            string line = raw.TrimEnd();
            if (line.Length == 0)
            {
                blank++;
                continue;
            }

            if (result.Length > 0)
            {
                result.Append(blank > 0 ? "\n\n" : "\n");
            }

            result.Append(line);
            blank = 0;
        }

        return result.ToString();
    }

    private static string? Collapse(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var builder = new StringBuilder(text.Length);
        AppendCollapsed(text, builder);
        return builder.ToString().Trim();
    }
}
