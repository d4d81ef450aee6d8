using System.Security.Cryptography;
using System.Text;

namespace LlamaDb.Retrieval;

/// <summary>
/// A loaded document: a stable id, where it came from, its title, its text and a SHA-256 hash of the text. Chunk offsets
/// index <see cref="Text"/>.
/// </summary>
public sealed class Document
{
    /// <summary>Creates a document and computes its <see cref="ContentHash"/>.</summary>
    /// <param name="id">The stable id (for files, the path relative to the loaded folder with '/' separators).</param>
    /// <param name="source">The source: a path or URL.</param>
    /// <param name="text">The text.</param>
    /// <param name="title">The title, when the format has one.</param>
    /// <param name="metadata">Extra metadata; empty when null.</param>
    public Document(string id, string source, string text, string? title = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(text);
        Id = id;
        Source = source;
        Text = text;
        Title = title;
        Metadata = metadata ?? new Dictionary<string, string>(StringComparer.Ordinal);
        ContentHash = ComputeHash(text, title);
    }

    /// <summary>Gets the stable id.</summary>
    public string Id { get; }

    /// <summary>Gets the source (path or URL).</summary>
    public string Source { get; }

    /// <summary>Gets the title, when there is one.</summary>
    public string? Title { get; }

    /// <summary>Gets the text that chunk offsets index.</summary>
    public string Text { get; }

    /// <summary>Gets the lower-case hex SHA-256 of the title and text (UTF-8), so re-ingestion can skip unchanged documents.</summary>
    public string ContentHash { get; }

    /// <summary>Gets extra metadata (format-specific: e.g. front matter keys).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Computes the content hash of a title and text: SHA-256 over the UTF-8 bytes of <c>title + '\0' + text</c>, lower-case hex.</summary>
    /// <param name="text">The text.</param>
    /// <param name="title">The title, or null.</param>
    /// <returns>The hash.</returns>
    public static string ComputeHash(string text, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(title ?? string.Empty));
        hash.AppendData([0]);
        hash.AppendData(Encoding.UTF8.GetBytes(text));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
