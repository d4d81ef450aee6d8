using System.Buffers.Binary;
using System.Text;

namespace LlamaDb.Connectors.Hnsw.FullText;

/// <content>
/// Persistence. The format, all integers little-endian:
/// <code>
/// header   magic "LDBBM25\0" (8 bytes) | version u32 = 1 | k1 f32 | b f32 | payload length u64
/// payload  analyzer name: length i32, UTF-8
///          document count i32 | term count i32
///          documents, ids ascending: id i32 | length (terms) i32 | distinct terms i32
///          terms: length i32, UTF-8 | df i32 | df × (document id i32 ascending, tf i32)
/// trailer  FNV-1a 64 of every byte before it, u64
/// </code>
/// Only live documents and entries are written. Reading checks the header, reads exactly the payload, verifies the
/// checksum before parsing, then validates every count, id and cross-reference (posting documents exist, each
/// document's term frequencies sum to its length, ...), so bad input gives an <see cref="InvalidDataException"/>.
/// </content>
internal sealed partial class Bm25Index
{
    /// <summary>The current format version.</summary>
    public const int FormatVersion = 1;

    private const int HeaderSize = 8 + 4 + 4 + 4 + 8;
    private const int MaxAnalyzerNameBytes = 256;
    private const int MaxTermBytes = TextAnalyzer.MaxTermLength * 4;

    private static ReadOnlySpan<byte> Magic => "LDBBM25\0"u8;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes the index to <paramref name="stream"/>; concurrent searches may go on meanwhile.</summary>
    /// <param name="stream">The stream to write to; left open.</param>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _lock.EnterReadLock();
        try
        {
            byte[] analyzerName = s_strictUtf8.GetBytes(_analyzer.Name);
            long payloadLength = PayloadLength(analyzerName.Length);
            if (payloadLength > Array.MaxLength)
            {
                throw new InvalidOperationException($"The BM25 index needs {payloadLength} bytes, more than the format's limit of {Array.MaxLength}.");
            }

            using var writer = new ChecksumWriter(stream);
            writer.WriteBytes(Magic);
            writer.WriteInt32(FormatVersion);
            writer.WriteSingle(_k1);
            writer.WriteSingle(_b);
            writer.WriteUInt64((ulong)payloadLength);

            writer.WriteInt32(analyzerName.Length);
            writer.WriteBytes(analyzerName);
            writer.WriteInt32(_documentCount);
            writer.WriteInt32(_termIds.Count);
            for (int docId = 0; docId < _docTerms.Length; docId++)
            {
                if (_docTerms[docId] is int[] termIds)
                {
                    writer.WriteInt32(docId);
                    writer.WriteInt32(_docLengths[docId]);
                    writer.WriteInt32(termIds.Length);
                }
            }

            byte[] termBytes = new byte[MaxTermBytes];
            for (int termId = 0; termId < _termSlots; termId++)
            {
                if (_terms[termId] is not TermPostings postings)
                {
                    continue;
                }

                int length = s_strictUtf8.GetBytes(postings.Term, termBytes);
                writer.WriteInt32(length);
                writer.WriteBytes(termBytes.AsSpan(0, length));
                writer.WriteInt32(postings.Live);
                foreach (Posting posting in postings.Items)
                {
                    if (posting.Tf != 0)
                    {
                        writer.WriteInt32(posting.DocId);
                        writer.WriteInt32(posting.Tf);
                    }
                }
            }

            writer.WriteUInt64(writer.Hash);
            writer.Flush();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Reads an index written by <see cref="WriteTo"/>, leaving the stream just after it.</summary>
    /// <param name="stream">The stream to read from; left open.</param>
    /// <param name="analyzer">The analyzer; must be the one the index was written with. <see langword="null"/> for <see cref="TextAnalyzer.English"/>.</param>
    /// <returns>The index.</returns>
    /// <exception cref="InvalidDataException">The data is not a BM25 index of this version, is truncated or corrupt, or
    /// was written with another analyzer.</exception>
    public static Bm25Index ReadFrom(Stream stream, TextAnalyzer? analyzer = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        analyzer ??= TextAnalyzer.English;

        Span<byte> header = stackalloc byte[HeaderSize];
        ReadExactly(stream, header, "the header");
        if (!header[..8].SequenceEqual(Magic))
        {
            throw new InvalidDataException("Not a BM25 index: the stream does not start with the magic \"LDBBM25\\0\".");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"Unsupported BM25 index format version {version}; this build reads version {FormatVersion}.");
        }

        var options = new Bm25Options
        {
            K1 = BinaryPrimitives.ReadSingleLittleEndian(header[12..]),
            B = BinaryPrimitives.ReadSingleLittleEndian(header[16..]),
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"Corrupt BM25 index: bad parameter {e.ParamName} = {e.ActualValue}.", e);
        }

        ulong payloadLength = BinaryPrimitives.ReadUInt64LittleEndian(header[20..]);
        if (payloadLength > (ulong)Array.MaxLength)
        {
            throw new InvalidDataException($"Corrupt BM25 index: payload length {payloadLength} is too large.");
        }

        if (stream.CanSeek && (long)payloadLength + sizeof(ulong) > stream.Length - stream.Position)
        {
            throw new InvalidDataException($"Truncated BM25 index: the payload needs {payloadLength} bytes plus an 8-byte checksum but only {stream.Length - stream.Position} remain.");
        }

        byte[] payload = ReadPayload(stream, (int)payloadLength);
        Span<byte> trailer = stackalloc byte[sizeof(ulong)];
        ReadExactly(stream, trailer, "the checksum");
        ulong expected = BinaryPrimitives.ReadUInt64LittleEndian(trailer);
        ulong actual = Fnv1a64.Append(Fnv1a64.Append(Fnv1a64.Initial, header), payload);
        if (expected != actual)
        {
            throw new InvalidDataException($"Corrupt BM25 index: checksum mismatch (stored {expected:x16}, computed {actual:x16}).");
        }

        var index = new Bm25Index(options, analyzer);
        index.Load(payload);
        return index;
    }

    private long PayloadLength(int analyzerNameLength)
    {
        long length = sizeof(int) + analyzerNameLength + sizeof(int) + sizeof(int) + (_documentCount * 3L * sizeof(int));
        for (int termId = 0; termId < _termSlots; termId++)
        {
            if (_terms[termId] is TermPostings postings)
            {
                length += sizeof(int) + s_strictUtf8.GetByteCount(postings.Term) + sizeof(int) + (postings.Live * 2L * sizeof(int));
            }
        }

        return length;
    }

    /// <summary>Fills the empty index from a checksummed payload, validating its structure.</summary>
    private void Load(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        int nameLength = reader.ReadInt32("the analyzer name length", 0, MaxAnalyzerNameBytes);
        string name = DecodeUtf8(reader.ReadBytes(nameLength, "the analyzer name"), "the analyzer name");
        if (name != _analyzer.Name)
        {
            throw new InvalidDataException($"The BM25 index was written with analyzer '{name}' but is being read with '{_analyzer.Name}'.");
        }

        // Every document takes 12 bytes and every term at least 16, which bounds the counts by the payload size.
        int documentCount = reader.ReadInt32("the document count", 0, reader.Remaining / 12);
        int termCount = reader.ReadInt32("the term count", 0, (reader.Remaining - (documentCount * 12)) / 16);
        int[] distinctTerms = LoadDocuments(ref reader, documentCount);

        int[] filled = new int[_docTerms.Length];
        long[] frequencySums = new long[_docTerms.Length];
        _termIds.EnsureCapacity(termCount);
        for (int t = 0; t < termCount; t++)
        {
            int termLength = reader.ReadInt32("a term length", 1, MaxTermBytes);
            string term = DecodeUtf8(reader.ReadBytes(termLength, "a term"), "a term");
            int df = reader.ReadInt32($"the document frequency of term '{term}'", 1, documentCount);
            var postings = new TermPostings(term, df);
            if (!_termIds.TryAdd(term, _termSlots))
            {
                throw new InvalidDataException($"Corrupt BM25 index: term '{term}' appears twice.");
            }

            int termId = AllocateTerm(postings);
            int previous = -1;
            for (int p = 0; p < df; p++)
            {
                int docId = reader.ReadInt32($"a document id of term '{term}'", previous + 1, MaxDocId);
                int tf = reader.ReadInt32($"the frequency of term '{term}' in document {docId}", 1, int.MaxValue);
                if (docId >= _docTerms.Length || _docTerms[docId] is not int[] docTerms)
                {
                    throw new InvalidDataException($"Corrupt BM25 index: term '{term}' lists document {docId}, which is not in the document table.");
                }

                if (filled[docId] == docTerms.Length)
                {
                    throw new InvalidDataException($"Corrupt BM25 index: document {docId} has more terms than its declared {docTerms.Length}.");
                }

                docTerms[filled[docId]++] = termId;
                frequencySums[docId] += tf;
                postings.AppendLoaded(docId, tf);
                previous = docId;
            }
        }

        if (reader.Remaining != 0)
        {
            throw new InvalidDataException($"Corrupt BM25 index: {reader.Remaining} unexpected bytes after the last term.");
        }

        for (int docId = 0; docId < _docTerms.Length; docId++)
        {
            if (_docTerms[docId] is int[] docTerms
                && (filled[docId] != distinctTerms[docId] || frequencySums[docId] != _docLengths[docId]))
            {
                throw new InvalidDataException(
                    $"Corrupt BM25 index: document {docId} declares {docTerms.Length} terms and length {_docLengths[docId]} but the postings give {filled[docId]} terms and length {frequencySums[docId]}.");
            }
        }
    }

    /// <summary>Reads the document table; returns each document's declared number of distinct terms.</summary>
    private int[] LoadDocuments(ref PayloadReader reader, int documentCount)
    {
        // The ids ascend, so the last one sizes the arrays; read the table twice rather than grow them.
        PayloadReader scan = reader;
        int previous = -1;
        for (int d = 0; d < documentCount; d++)
        {
            previous = scan.ReadInt32("a document id", previous + 1, MaxDocId);
            scan.ReadInt32($"the length of document {previous}", 1, int.MaxValue);
            scan.ReadInt32($"the distinct term count of document {previous}", 1, int.MaxValue);
        }

        EnsureDocCapacity(previous + 1);
        int[] distinctTerms = new int[_docTerms.Length];
        long totalLength = 0;
        for (int d = 0; d < documentCount; d++)
        {
            int docId = reader.ReadInt32("a document id", 0, MaxDocId);
            int length = reader.ReadInt32("a document length", 1, int.MaxValue);
            int distinct = reader.ReadInt32("a distinct term count", 1, length);
            _docLengths[docId] = length;
            _docTerms[docId] = new int[distinct];
            distinctTerms[docId] = distinct;
            totalLength += length;
        }

        _documentCount = documentCount;
        _totalLength = totalLength;
        return distinctTerms;
    }

    private static string DecodeUtf8(ReadOnlySpan<byte> bytes, string what)
    {
        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"Corrupt BM25 index: {what} is not valid UTF-8.", e);
        }
    }

    private static byte[] ReadPayload(Stream stream, int length)
    {
        // Grow as bytes arrive so a corrupt length cannot allocate more than the stream actually holds (times two).
        byte[] buffer = new byte[Math.Min(length, 1 << 20)];
        int read = 0;
        while (read < length)
        {
            if (read == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, length));
            }

            int count = stream.Read(buffer, read, buffer.Length - read);
            if (count == 0)
            {
                throw new InvalidDataException($"Truncated BM25 index: the payload ends after {read} of {length} bytes.");
            }

            read += count;
        }

        return buffer;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string what)
    {
        int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read < buffer.Length)
        {
            throw new InvalidDataException($"Truncated BM25 index: the stream ends inside {what} ({read} of {buffer.Length} bytes).");
        }
    }
}
