namespace LlamaDb.Embedders.Onnx.Hub;

/// <summary>Validation of repository ids, revisions and file paths, so nothing escapes the cache folder.</summary>
internal static class HubPaths
{
    private const int MaxSegmentLength = 96;
    private const int MaxPathLength = 1024;

    /// <summary>Splits <c>owner/name</c> after checking both parts hold only safe characters.</summary>
    public static (string Owner, string Name) ParseRepoId(string repoId, string paramName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(repoId, paramName);
        var slash = repoId.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || slash != repoId.LastIndexOf('/'))
        {
            throw new ArgumentException($"Repository id '{repoId}' must have the form 'owner/name'.", paramName);
        }

        var owner = repoId[..slash];
        var name = repoId[(slash + 1)..];
        if (!IsRepoPart(owner) || !IsRepoPart(name))
        {
            throw new ArgumentException(
                $"Repository id '{repoId}' is not valid: owner and name must start and end with a letter or digit, " +
                $"contain only letters, digits, '-', '_' and '.', hold no '..' or '--', and be at most {MaxSegmentLength} characters.",
                paramName);
        }

        return (owner, name);
    }

    /// <summary>Checks a revision (branch, tag, commit or <c>refs/pr/N</c>) is made of safe segments.</summary>
    public static void ValidateRevision(string revision, string paramName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(revision, paramName);
        if (!AreSafeSegments(revision, MaxSegmentLength * 2))
        {
            throw new ArgumentException(
                $"Revision '{revision}' is not valid: use letters, digits, '-', '_', '.', '+', '@', '=' and '/' separators, with no empty, '.' or '..' segments.",
                paramName);
        }
    }

    /// <summary>Checks a repository file path is relative, uses '/' separators and has only safe segments.</summary>
    public static void ValidateFilePath(string path, string paramName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path, paramName);
        if (!AreSafeSegments(path, MaxPathLength))
        {
            throw new ArgumentException(
                $"File path '{path}' is not valid: it must be relative, use '/' separators (no '\\'), contain no empty, '.' or '..' segments, " +
                "and use only letters, digits, '-', '_', '.', '+', '@' and '='.",
                paramName);
        }

        var fileName = path[(path.LastIndexOf('/') + 1)..];
        if (fileName.EndsWith(ModelDownloader.PartialSuffix, StringComparison.OrdinalIgnoreCase) ||
            (path.IndexOf('/', StringComparison.Ordinal) < 0 && fileName.StartsWith(ModelDownloader.ManifestFileName, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"File path '{path}' clashes with a name the downloader uses for its own files.", paramName);
        }
    }

    /// <summary>Maps a validated repository path into <paramref name="root"/>, checking the result stays inside it.</summary>
    public static string Combine(string root, string relativePath)
    {
        var full = Path.GetFullPath(Path.Combine(root, relativePath.Replace('/', Path.DirectorySeparatorChar)));
        var rootFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootFull, StringComparison.Ordinal))
        {
            // Unreachable after validation; kept as a last line of defence against escaping the cache.
            throw new ArgumentException($"Path '{relativePath}' escapes the model folder.", nameof(relativePath));
        }

        return full;
    }

    private static bool IsRepoPart(string part) =>
        part.Length is > 0 and <= MaxSegmentLength &&
        char.IsAsciiLetterOrDigit(part[0]) &&
        char.IsAsciiLetterOrDigit(part[^1]) &&
        !part.Contains("..", StringComparison.Ordinal) &&
        !part.Contains("--", StringComparison.Ordinal) &&
        part.AsSpan().IndexOfAnyExcept(s_repoChars) < 0;

    private static bool AreSafeSegments(string value, int maxLength)
    {
        if (value.Length > maxLength)
        {
            return false;
        }

        foreach (var range in value.AsSpan().Split('/'))
        {
            var segment = value.AsSpan(range.Start.Value, range.End.Value - range.Start.Value);
            if (segment.IsEmpty || segment is "." or ".." || segment.IndexOfAnyExcept(s_pathChars) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    private static readonly System.Buffers.SearchValues<char> s_repoChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    private static readonly System.Buffers.SearchValues<char> s_pathChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.+@=");
}
