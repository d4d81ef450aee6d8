using LlamaDb.Connectors.Hnsw.Storage;

namespace LlamaDb.Connectors.Hnsw.Tests.Storage;

public sealed class SnapshotFileTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(200_000)]
    public void Write_ThenRead_ReturnsBodyAndLsn(int bodyLength)
    {
        string path = _directory.File("vectors.bin");
        byte[] body = new byte[bodyLength];
        new Random(bodyLength).NextBytes(body);
        SnapshotFile.Write(path, "vectors", 3, 1234, stream =>
        {
            // Several writes of different sizes, as a real serializer would do.
            stream.Write(body.AsSpan(0, bodyLength / 3));
            stream.Write(body, bodyLength / 3, bodyLength / 3);
            foreach (byte b in body.AsSpan(2 * (bodyLength / 3)))
            {
                stream.WriteByte(b);
            }
        });

        (byte[] read, long lsn, long length) = SnapshotFile.Read(path, "vectors", 3, (stream, lsn) =>
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            Assert.Equal(-1, stream.ReadByte());
            return (copy.ToArray(), lsn, stream.Length);
        });

        Assert.Equal(body, read);
        Assert.Equal(1234, lsn);
        Assert.Equal(bodyLength, length);
        Assert.Equal(SnapshotFile.HeaderSize + bodyLength, new FileInfo(path).Length);
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void Read_BodyStream_SeeksWithinTheBodyOnly()
    {
        string path = _directory.File("graph.bin");
        SnapshotFile.Write(path, "graph", 1, 5, stream => stream.Write([10, 11, 12, 13, 14]));
        int[] read = SnapshotFile.Read(path, "graph", 1, (stream, _) =>
        {
            stream.Seek(-2, SeekOrigin.End);
            int a = stream.ReadByte();
            stream.Position = 0;
            int b = stream.ReadByte();
            stream.Seek(10, SeekOrigin.Begin);
            int c = stream.ReadByte();
            return new[] { a, b, c };
        });

        Assert.Equal([13, 10, -1], read);
    }

    [Fact]
    public void Read_EveryTruncationAndExtraByte_ThrowsSnapshotCorrupted()
    {
        string path = _directory.File("vectors.bin");
        byte[] full = WriteSample(path, bodyLength: 150);
        string damagedPath = _directory.File("damaged.bin");
        for (int length = 0; length <= full.Length; length++)
        {
            byte[] damaged = length < full.Length ? full[..length] : [.. full, 0];
            AssertCorrupted(damagedPath, damaged);
        }
    }

    [Fact]
    public void Read_EveryBitFlip_ThrowsSnapshotCorrupted()
    {
        string path = _directory.File("vectors.bin");
        byte[] full = WriteSample(path, bodyLength: 120);
        string damagedPath = _directory.File("damaged.bin");
        for (int bit = 0; bit < full.Length * 8; bit++)
        {
            byte[] damaged = (byte[])full.Clone();
            damaged[bit / 8] ^= (byte)(1 << (bit % 8));
            AssertCorrupted(damagedPath, damaged);
        }
    }

    [Fact]
    public void Read_RandomMultiByteDamage_ThrowsSnapshotCorrupted()
    {
        string path = _directory.File("vectors.bin");
        byte[] full = WriteSample(path, bodyLength: 5000);
        string damagedPath = _directory.File("damaged.bin");
        var random = new Random(31);
        for (int trial = 0; trial < 300; trial++)
        {
            byte[] damaged = (byte[])full.Clone();
            int start = random.Next(damaged.Length);
            for (int i = start; i < Math.Min(damaged.Length, start + random.Next(1, 40)); i++)
            {
                damaged[i] ^= (byte)random.Next(1, 256);
            }

            AssertCorrupted(damagedPath, damaged);
        }
    }

    [Fact]
    public void Read_WrongKindOrVersion_ThrowsSnapshotCorruptedSayingWhat()
    {
        string path = _directory.File("vectors.bin");
        WriteSample(path, bodyLength: 10);
        SnapshotCorruptedException kind = Assert.Throws<SnapshotCorruptedException>(() => SnapshotFile.Read(path, "graph", 2, (_, _) => 0));
        Assert.Contains("'vectors' where 'graph' was expected", kind.Message, StringComparison.Ordinal);
        SnapshotCorruptedException version = Assert.Throws<SnapshotCorruptedException>(() => SnapshotFile.Read(path, "vectors", 3, (_, _) => 0));
        Assert.Contains("format version is 2 where 3 was expected", version.Message, StringComparison.Ordinal);
        Assert.Equal(path, version.FilePath);
    }

    [Fact]
    public void Read_LeftoverTempFromInterruptedWrite_IsIgnoredAndTheNextWriteReplacesIt()
    {
        string path = _directory.File("vectors.bin");
        SnapshotFile.Write(path, "vectors", 1, 10, stream => stream.Write([1, 2, 3]));

        // A crash between writing the temp file and renaming it: the old snapshot is what Read sees.
        File.WriteAllBytes(path + ".tmp", [0xBA, 0xD0]);
        Assert.Equal([1, 2, 3], SnapshotFile.Read(path, "vectors", 1, (s, _) => ReadAll(s)));

        SnapshotFile.Write(path, "vectors", 1, 20, stream => stream.Write([4, 5]));
        Assert.False(File.Exists(path + ".tmp"));
        (byte[] body, long lsn) = SnapshotFile.Read(path, "vectors", 1, (s, lsn) => (ReadAll(s), lsn));
        Assert.Equal([4, 5], body);
        Assert.Equal(20, lsn);
    }

    [Fact]
    public void Write_BodyWriterThrows_KeepsThePreviousSnapshotAndRemovesTheTemp()
    {
        string path = _directory.File("vectors.bin");
        SnapshotFile.Write(path, "vectors", 1, 10, stream => stream.Write([1, 2, 3]));
        Assert.Throws<InvalidOperationException>(() => SnapshotFile.Write(path, "vectors", 1, 11, stream =>
        {
            stream.Write([9, 9, 9, 9]);
            throw new InvalidOperationException("serializer failed");
        }));

        Assert.False(File.Exists(path + ".tmp"));
        (byte[] body, long lsn) = SnapshotFile.Read(path, "vectors", 1, (s, lsn) => (ReadAll(s), lsn));
        Assert.Equal([1, 2, 3], body);
        Assert.Equal(10, lsn);
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => SnapshotFile.Read(_directory.File("none.bin"), "vectors", 1, (_, _) => 0));
    }

    [Theory]
    [InlineData("")]
    [InlineData("with space")]
    [InlineData("a-kind-name-that-is-longer-than-32")]
    [InlineData("vectörs")]
    public void Write_InvalidKind_ThrowsArgumentException(string kind)
    {
        Assert.ThrowsAny<ArgumentException>(() => SnapshotFile.Write(_directory.File("x.bin"), kind, 1, 0, _ => { }));
    }

    private static byte[] WriteSample(string path, int bodyLength)
    {
        byte[] body = new byte[bodyLength];
        new Random(bodyLength).NextBytes(body);
        SnapshotFile.Write(path, "vectors", 2, 77, stream => stream.Write(body));
        return File.ReadAllBytes(path);
    }

    private static void AssertCorrupted(string path, byte[] bytes)
    {
        File.WriteAllBytes(path, bytes);
        bool bodyRead = false;
        SnapshotCorruptedException error = Assert.Throws<SnapshotCorruptedException>(() => SnapshotFile.Read(path, "vectors", 2, (_, _) => bodyRead = true));
        Assert.False(bodyRead);
        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    private static byte[] ReadAll(Stream stream)
    {
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
