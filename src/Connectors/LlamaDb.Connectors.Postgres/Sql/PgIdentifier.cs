using System.Text;

namespace LlamaDb.Connectors.Postgres.Sql;

/// <summary>Validation and quoting of SQL identifiers. Every identifier the connector emits goes through <see cref="Quote"/>.</summary>
internal static class PgIdentifier
{
    /// <summary>PostgreSQL's NAMEDATALEN - 1: longer identifiers are silently truncated by the server, so they are refused.</summary>
    public const int MaxBytes = 63;

    /// <summary>Quotes <paramref name="name"/> as a delimited identifier (<c>"a""b"</c>).</summary>
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Quotes a schema-qualified name.</summary>
    public static string Qualified(string schema, string name) => Quote(schema) + "." + Quote(name);

    /// <summary>
    /// Checks a collection (table) name: a letter or underscore, then letters, digits, underscores or hyphens, at most
    /// 63 bytes. Names are case-sensitive (they are always quoted).
    /// </summary>
    public static void ValidateCollectionName(string name) => ValidatePlainName(name, "collection");

    /// <summary>Checks a collection or schema name (see <see cref="ValidateCollectionName"/>).</summary>
    public static void ValidatePlainName(string name, string what)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            throw new ArgumentException($"The {what} name '{name}' must start with an ASCII letter or '_'.", nameof(name));
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                throw new ArgumentException($"The {what} name '{name}' may contain only ASCII letters, digits, '_' and '-' (found '{c}').", nameof(name));
            }
        }

        if (name.Length > MaxBytes)
        {
            throw new ArgumentException($"The {what} name '{name}' is longer than PostgreSQL's {MaxBytes}-byte identifier limit.", nameof(name));
        }
    }

    /// <summary>Checks a column or schema name: not empty, no NUL, at most 63 bytes (it is quoted, so any other character is fine).</summary>
    public static void ValidateName(string name, string what)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The {what} name '{name}' must be non-empty and contain no NUL character.");
        }

        if (Encoding.UTF8.GetByteCount(name) > MaxBytes)
        {
            throw new ArgumentException($"The {what} name '{name}' is longer than PostgreSQL's {MaxBytes}-byte identifier limit.");
        }
    }

    /// <summary>A short, stable, valid index name for a table and purpose (never truncated by the server).</summary>
    public static string IndexName(string table, string column, string purpose)
    {
        uint hash = 2166136261;
        foreach (char c in table + "\0" + column + "\0" + purpose)
        {
            hash = (hash ^ c) * 16777619;
        }

        string prefix = table.Length > 40 ? table[..40] : table;
        return $"{prefix}_{purpose}_{hash:x8}";
    }
}
