using System.Buffers;
using System.Runtime.CompilerServices;

namespace LlamaDb.Retrieval;

/// <summary>Reads a file as byte lines (LF or CRLF), without decoding, so each line can be validated on its own.</summary>
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
                            yield return (lineNumber, TrimCr(buffer.AsMemory(start, count - start)).ToArray());
                            start = count;
                        }

                        break;
                    }

                    lineNumber++;
                    yield return (lineNumber, TrimCr(buffer.AsMemory(start, newline)).ToArray());
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

    private static ReadOnlyMemory<byte> TrimCr(ReadOnlyMemory<byte> line) =>
        line.Length > 0 && line.Span[^1] == (byte)'\r' ? line[..^1] : line;
}
