using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Unicode;

namespace LlamaDb.Retrieval;

/// <summary>
/// Loads BEIR-style JSON lines (<c>corpus.jsonl</c>): one <c>{"_id", "title", "text"}</c> object per line. Each line is one
/// <see cref="Document"/> with id <c>_id</c>; a line that is not valid UTF-8 or not such an object is reported (as
/// <c>path:line</c>) and skipped.
/// </summary>
public sealed class BeirCorpusLoader
{
    /// <summary>
    /// Gets or sets whether <see cref="Document.Text"/> is <c>title + " " + text</c> (what BEIR indexes and embeds) rather than
    /// the text alone. Defaults to false.
    /// </summary>
    public bool IncludeTitleInText { get; set; }

    /// <summary>Loads the documents of a JSON lines file.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="problems">Receives a problem for each line (or the whole file) that cannot be loaded.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The documents, in file order.</returns>
    public async IAsyncEnumerable<Document> LoadAsync(string path, IProgress<DocumentLoadProblem>? problems = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            problems?.Report(new DocumentLoadProblem(path, DocumentLoadProblemKind.Unreadable, $"'{path}' could not be read: {ex.Message}"));
            yield break;
        }

        await using (stream.ConfigureAwait(false))
        {
            await foreach ((int lineNumber, ReadOnlyMemory<byte> line) in JsonLinesReader.ReadLinesAsync(stream, cancellationToken).ConfigureAwait(false))
            {
                if (line.Span.Trim(" \t"u8).IsEmpty)
                {
                    continue;
                }

                string where = $"{path}:{lineNumber}";
                if (!Utf8.IsValid(line.Span))
                {
                    problems?.Report(new DocumentLoadProblem(where, DocumentLoadProblemKind.InvalidEncoding, $"Line {lineNumber} of '{path}' is not valid UTF-8."));
                    continue;
                }

                Document? document = Parse(line, where, path, out string? error);
                if (document is null)
                {
                    problems?.Report(new DocumentLoadProblem(where, DocumentLoadProblemKind.Malformed, $"Line {lineNumber} of '{path}': {error}"));
                    continue;
                }

                yield return document;
            }
        }
    }

    private Document? Parse(ReadOnlyMemory<byte> line, string where, string path, out string? error)
    {
        try
        {
            using JsonDocument json = JsonDocument.Parse(line);
            JsonElement root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "expected a JSON object.";
                return null;
            }

            string? id = root.TryGetProperty("_id", out JsonElement idElement) ? idElement.ValueKind switch
            {
                JsonValueKind.String => idElement.GetString(),
                JsonValueKind.Number => idElement.GetRawText(),
                _ => null,
            } : null;
            if (string.IsNullOrEmpty(id))
            {
                error = "missing or empty \"_id\".";
                return null;
            }

            string title = root.TryGetProperty("title", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : string.Empty; // GetString is non-null for strings
            string text = root.TryGetProperty("text", out JsonElement x) && x.ValueKind == JsonValueKind.String ? x.GetString()! : string.Empty;
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["line"] = where[(path.Length + 1)..] };
            string body = IncludeTitleInText && title.Length > 0 ? (text.Length > 0 ? title + " " + text : title) : text;
            error = null;
            return new Document(id, path, body, title.Length > 0 ? title : null, metadata);
        }
        catch (JsonException ex)
        {
            error = ex.Message;
            return null;
        }
    }
}
