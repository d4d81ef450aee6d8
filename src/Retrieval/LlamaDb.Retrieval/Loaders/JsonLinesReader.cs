using System.Buffers;
using System.Runtime.CompilerServices;

namespace LlamaDb.Retrieval;

/// <summary>Reads a file as byte lines (LF or CRLF), without decoding, so each line can be validated on its own. A UTF-8
/// byte order mark at the start of the file is not part of line 1.</summary>
internal static class JsonLinesReader
{
    public static async IAsyncEnumerable<(int LineNumber, ReadOnlyMemory<byte> Line)> ReadLinesAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            int count = 0;
            int lineNumber = 0;
            bool end = false;
            while (!end)
            {
                if (count == buffer.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read = await stream.ReadAsync(buffer.AsMemory(count), cancellationToken).ConfigureAwait(false);
                end = read == 0;
                count += read;
                int start = 0;
                while (true)
                {
                    int newline = buffer.AsSpan(start, count - start).IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        if (end && start < count)
                        {
                            lineNumber++;
                            yield return (lineNumber, Clean(buffer.AsMemory(start, count - start), lineNumber).ToArray());
                            start = count;
                        }

                        break;
                    }

                    lineNumber++;
                    yield return (lineNumber, Clean(buffer.AsMemory(start, newline), lineNumber).ToArray());
                    start += newline + 1;
                }

                buffer.AsSpan(start, count - start).CopyTo(buffer);
                count -= start;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ReadOnlyMemory<byte> Clean(ReadOnlyMemory<byte> line, int lineNumber)
    {
        if (lineNumber == 1 && line.Span.StartsWith("\uFEFF"u8))
        {
            line = line[3..];
        }

        return line.Length > 0 && line.Span[^1] == (byte)'\r' ? line[..^1] : line;
    }
}
