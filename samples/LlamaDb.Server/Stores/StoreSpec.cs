using System.Text.RegularExpressions;

namespace LlamaDb.Server.Stores;

/// <summary>
/// What a <c>--store</c> value names: <c>postgres:&lt;connection-string&gt;</c> (PostgreSQL with pgvector),
/// <c>hnsw:&lt;dir&gt;</c> or a plain folder path (the embedded store). Also hides connection-string passwords in text
/// shown to people.
/// </summary>
internal static partial class StoreSpec
{
    /// <summary>The prefix of a PostgreSQL store.</summary>
    public const string PostgresPrefix = "postgres:";

    /// <summary>The prefix of an explicit folder (embedded HNSW) store.</summary>
    public const string FolderPrefix = "hnsw:";

    /// <summary>What replaces a password.</summary>
    public const string Mask = "***";

    /// <summary>Whether <paramref name="spec"/> names a PostgreSQL store.</summary>
    public static bool IsPostgres(string spec) => spec.StartsWith(PostgresPrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// <paramref name="text"/> with every <c>Password=...</c> (also <c>PWD</c>, <c>Passwd</c>, quoted or not) of a connection
    /// string replaced by <c>***</c>, and any <c>user:password@</c> of a URI masked.
    /// </summary>
    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string redacted = PasswordPair().Replace(text, m => m.Groups["key"].Value + "=" + Mask);
        return UriPassword().Replace(redacted, m => m.Groups["user"].Value + ":" + Mask + "@");
    }

    [GeneratedRegex("""(?<key>\b(?:password|pwd|passwd)\s*)=\s*(?:"(?:[^"]|"")*"|'(?:[^']|'')*'|[^;]*)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordPair();

    [GeneratedRegex(@"(?<user>\b[a-z][a-z0-9+.-]*://[^:/@\s]+):[^@/\s]*@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UriPassword();
}
