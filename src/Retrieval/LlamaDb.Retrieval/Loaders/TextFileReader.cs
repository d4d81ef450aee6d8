using System.Text;

namespace LlamaDb.Retrieval;

/// <summary>Reads a text file strictly: UTF-8 (BOM optional) or UTF-16 with a BOM; invalid bytes are an error, not U+FFFD.</summary>
internal static class TextFileReader
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly UnicodeEncoding s_strictUtf16Le = new(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true);
    private static readonly UnicodeEncoding s_strictUtf16Be = new(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true);

    public static async Task<string> ReadAsync(string path, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new DocumentLoadException(new DocumentLoadProblem(path, DocumentLoadProblemKind.Unreadable, $"'{path}' could not be read: {ex.Message}"), ex);
        }

        return Decode(bytes, path);
    }

    public static string Decode(ReadOnlySpan<byte> bytes, string source)
    {
        try
        {
            if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                return s_strictUtf8.GetString(bytes[3..]);
            }

            if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
            {
                return s_strictUtf16Le.GetString(bytes[2..]);
            }

            if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
            {
                return s_strictUtf16Be.GetString(bytes[2..]);
            }

            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            string where = ex.Index >= 0 ? $" near byte {ex.Index}" : string.Empty;
            throw new DocumentLoadException(new DocumentLoadProblem(source, DocumentLoadProblemKind.InvalidEncoding, $"'{source}' is not valid UTF-8{where}."), ex);
        }
    }

    public static string DefaultId(string path) => path.Replace('\\', '/');

    public static bool HasExtension(string path, params ReadOnlySpan<string> extensions)
    {
        ArgumentNullException.ThrowIfNull(path);
        string extension = Path.GetExtension(path);
        foreach (string candidate in extensions)
        {
            if (string.Equals(extension, candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
