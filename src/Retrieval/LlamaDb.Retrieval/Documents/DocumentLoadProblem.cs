namespace LlamaDb.Retrieval;

/// <summary>A file (or line) that could not be loaded; loading goes on with the next one.</summary>
/// <param name="Source">The file path (and for JSON lines, <c>path:line</c>).</param>
/// <param name="Kind">What went wrong.</param>
/// <param name="Message">A readable description.</param>
public sealed record DocumentLoadProblem(string Source, DocumentLoadProblemKind Kind, string Message);

/// <summary>What kind of problem stopped a document from loading.</summary>
public enum DocumentLoadProblemKind
{
    /// <summary>The bytes are not valid UTF-8 (or UTF-16 when a byte order mark says so).</summary>
    InvalidEncoding,

    /// <summary>The file could not be read (missing, permissions, I/O error).</summary>
    Unreadable,

    /// <summary>The content could not be parsed (e.g. a malformed JSON line).</summary>
    Malformed,
}
