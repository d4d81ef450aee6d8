using System.Buffers.Binary;
using System.Text;
using LlamaDb.Connectors.Hnsw.FullText;

namespace LlamaDb.Connectors.Hnsw.Tests.FullText;

public sealed class Bm25IndexPersistenceTests
{
    private static readonly string[] s_queries =
        ["cat", "dog fish", "zebra yak owl", "bird bird", "the", "lion wolf bear deer frog goat hawk", "unseen words", "seal toad"];

    /// <summary>An index with edits behind it: dead postings, freed and reused term ids, a gap in the doc ids.</summary>
    private static Bm25Index EditedIndex(int seed, int documents, Bm25Options? options = null)
    {
        var random = new Random(seed);
        var index = new Bm25Index(options);
        for (int i = 0; i < documents; i++)
        {
            index.Upsert(random.Next(documents * 2), FullTextTestData.RandomText(random, 8));
        }

        for (int i = 0; i < documents / 3; i++)
        {
            index.Remove(random.Next(documents * 2));
        }

        index.Upsert(documents * 2, "once only");
        index.Remove(documents * 2);
        index.Upsert(documents * 3, "zebra über 北京");
        return index;
    }

    private static byte[] Serialize(Bm25Index index)
    {
        using var stream = new MemoryStream();
        index.WriteTo(stream);
        return stream.ToArray();
    }

    private static List<TextMatch[]> AllResults(Bm25Index index)
    {
        var all = new List<TextMatch[]>();
        foreach (string query in s_queries)
        {
            var results = new TextMatch[100];
            int count = index.Search(query, results.Length, results);
            all.Add(results[..count]);
        }

        return all;
    }

    private static void AssertSameResults(Bm25Index expected, Bm25Index actual)
    {
        Assert.Equal(expected.DocumentCount, actual.DocumentCount);
        Assert.Equal(expected.TermCount, actual.TermCount);
        Assert.Equal(expected.K1, actual.K1);
        Assert.Equal(expected.B, actual.B);
        List<TextMatch[]> want = AllResults(expected);
        List<TextMatch[]> got = AllResults(actual);
        for (int i = 0; i < want.Count; i++)
        {
            Assert.Equal(want[i], got[i]);
        }
    }

    private static void FixChecksum(byte[] data)
    {
        ulong hash = Fnv1a64.Append(Fnv1a64.Initial, data.AsSpan(0, data.Length - 8));
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(data.Length - 8), hash);
    }

    [Fact]
    public void WriteTo_ReadFrom_RoundTripsIdenticalSearchResults()
    {
        using Bm25Index original = EditedIndex(seed: 11, documents: 500, new Bm25Options { K1 = 1.2f, B = 0.75f });
        using Bm25Index loaded = Bm25Index.ReadFrom(new MemoryStream(Serialize(original)));
        AssertSameResults(original, loaded);
    }

    [Fact]
    public void ReadFrom_LoadedIndex_KeepsWorkingLikeTheOriginal()
    {
        using Bm25Index original = EditedIndex(seed: 12, documents: 300);
        using Bm25Index loaded = Bm25Index.ReadFrom(new MemoryStream(Serialize(original)));
        var random = new Random(99);
        for (int i = 0; i < 400; i++)
        {
            int docId = random.Next(700);
            string? text = random.Next(4) == 0 ? null : FullTextTestData.RandomText(random, 8);
            original.Upsert(docId, text);
            loaded.Upsert(docId, text);
        }

        AssertSameResults(original, loaded);
        Assert.Equal(Serialize(original).Length, Serialize(loaded).Length);
    }

    [Fact]
    public void WriteTo_EmptyIndex_RoundTrips()
    {
        using var empty = new Bm25Index();
        using Bm25Index loaded = Bm25Index.ReadFrom(new MemoryStream(Serialize(empty)));
        Assert.Equal(0, loaded.DocumentCount);
        Assert.Equal(0, loaded.Search("cat", 5, new TextMatch[5]));
    }

    [Fact]
    public void WriteTo_StartsWithMagicVersionAndParameters()
    {
        using var index = new Bm25Index(new Bm25Options { K1 = 1.5f, B = 0.25f });
        index.Upsert(3, "cat");
        byte[] data = Serialize(index);
        Assert.Equal("LDBBM25\0"u8.ToArray(), data[..8]);
        Assert.Equal(Bm25Index.FormatVersion, BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(8)));
        Assert.Equal(1.5f, BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(12)));
        Assert.Equal(0.25f, BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(16)));
        Assert.Equal((ulong)(data.Length - 28 - 8), BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(20)));
    }

    [Fact]
    public void ReadFrom_ConsecutiveIndexes_EachReadsExactlyItsOwnBytes()
    {
        using Bm25Index first = EditedIndex(seed: 1, documents: 20);
        using Bm25Index second = EditedIndex(seed: 2, documents: 30);
        using var stream = new MemoryStream();
        first.WriteTo(stream);
        second.WriteTo(stream);
        stream.WriteByte(0xAB);
        stream.Position = 0;

        using Bm25Index firstLoaded = Bm25Index.ReadFrom(stream);
        using Bm25Index secondLoaded = Bm25Index.ReadFrom(stream);
        AssertSameResults(first, firstLoaded);
        AssertSameResults(second, secondLoaded);
        Assert.Equal(0xAB, stream.ReadByte());
    }

    [Fact]
    public void ReadFrom_EveryTruncation_ThrowsInvalidData()
    {
        using Bm25Index index = EditedIndex(seed: 3, documents: 12);
        byte[] data = Serialize(index);
        for (int length = 0; length < data.Length; length++)
        {
            byte[] prefix = data[..length];
            var seekable = Assert.Throws<InvalidDataException>(() => Bm25Index.ReadFrom(new MemoryStream(prefix)));
            var forwardOnly = Assert.Throws<InvalidDataException>(() => Bm25Index.ReadFrom(new ForwardOnlyStream(prefix)));
            Assert.StartsWith("Truncated", seekable.Message, StringComparison.Ordinal);
            Assert.StartsWith("Truncated", forwardOnly.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ReadFrom_EveryBitFlip_ThrowsInvalidDataOrGivesIdenticalResults()
    {
        using Bm25Index index = EditedIndex(seed: 4, documents: 12);
        byte[] data = Serialize(index);
        int rejected = 0;
        for (int position = 0; position < data.Length; position++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                byte[] corrupt = (byte[])data.Clone();
                corrupt[position] ^= (byte)(1 << bit);
                try
                {
                    using Bm25Index loaded = Bm25Index.ReadFrom(new ForwardOnlyStream(corrupt, chunk: 64));
                    AssertSameResults(index, loaded);
                }
                catch (InvalidDataException)
                {
                    rejected++;
                }
            }
        }

        Assert.Equal(data.Length * 8, rejected); // the checksum catches every single-bit error
    }

    [Fact]
    public void ReadFrom_StructuralCorruptionWithValidChecksum_ThrowsInvalidDataOrLoadsAUsableIndex()
    {
        using Bm25Index index = EditedIndex(seed: 5, documents: 15);
        byte[] data = Serialize(index);
        var random = new Random(5);
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] corrupt = (byte[])data.Clone();
            int edits = random.Next(1, 4);
            for (int e = 0; e < edits; e++)
            {
                int position = random.Next(28, corrupt.Length - 8); // the payload
                corrupt[position] = random.Next(3) switch
                {
                    0 => (byte)random.Next(256),
                    1 => (byte)(corrupt[position] + 1),
                    _ => 0xFF,
                };
            }

            FixChecksum(corrupt);
            try
            {
                using Bm25Index loaded = Bm25Index.ReadFrom(new MemoryStream(corrupt));
                _ = AllResults(loaded); // whatever it holds, it is internally consistent enough to search and edit
                loaded.Upsert(1, "cat dog");
                loaded.Remove(1);
                _ = loaded.MemoryBytes;
            }
            catch (InvalidDataException)
            {
            }
        }
    }

    [Fact]
    public void ReadFrom_BadMagic_SaysSo()
    {
        byte[] data = Serialize(EditedIndex(seed: 6, documents: 5));
        data[0] = (byte)'X';
        var e = Assert.Throws<InvalidDataException>(() => Bm25Index.ReadFrom(new MemoryStream(data)));
        Assert.Contains("magic", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFrom_OtherVersion_SaysSo()
    {
        byte[] data = Serialize(EditedIndex(seed: 6, documents: 5));
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(8), 2);
        FixChecksum(data);
        var e = Assert.Throws<InvalidDataException>(() => Bm25Index.ReadFrom(new MemoryStream(data)));
        Assert.Contains("version 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFrom_InvalidParameter_SaysWhich()
    {
        byte[] data = Serialize(EditedIndex(seed: 6, documents: 5));
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(16), 1.5f);
        FixChecksum(data);
        var e = Assert.Throws<InvalidDataException>(() => Bm25Index.ReadFrom(new MemoryStream(data)));
        Assert.Contains("B", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFrom_OtherAnalyzer_SaysSo()
    {
        byte[] data = Serialize(EditedIndex(seed: 6, documents: 5));
        byte[] name = Encoding.UTF8.GetBytes(TextAnalyzer.English.Name);
        Assert.Equal(name.Length, BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(28)));
        data[32 + name.Length - 1] = (byte)'9'; // "english-porter/1" -> "english-porter/9"
        FixChecksum(data);
        var e = Assert.Throws<InvalidDataException>(() => Bm25Index.ReadFrom(new MemoryStream(data)));
        Assert.Contains("english-porter/9", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFrom_ChecksumMismatch_SaysSo()
    {
        byte[] data = Serialize(EditedIndex(seed: 6, documents: 5));
        data[^1] ^= 1;
        var e = Assert.Throws<InvalidDataException>(() => Bm25Index.ReadFrom(new MemoryStream(data)));
        Assert.Contains("checksum", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFrom_HugeDeclaredPayload_ThrowsWithoutAllocatingIt()
    {
        byte[] data = Serialize(EditedIndex(seed: 6, documents: 5));
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(20), (ulong)Array.MaxLength);
        Assert.Throws<InvalidDataException>(() => Bm25Index.ReadFrom(new MemoryStream(data)));
        Assert.Throws<InvalidDataException>(() => Bm25Index.ReadFrom(new ForwardOnlyStream(data, chunk: 4096)));
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(20), ulong.MaxValue);
        Assert.Throws<InvalidDataException>(() => Bm25Index.ReadFrom(new MemoryStream(data)));
    }
}
