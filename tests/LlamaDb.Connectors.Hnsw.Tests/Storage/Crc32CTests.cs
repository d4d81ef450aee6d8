using System.Text;
using FsCheck;
using FsCheck.Fluent;
using LlamaDb.Connectors.Hnsw.Storage;
using Microsoft.FSharp.Core;

namespace LlamaDb.Connectors.Hnsw.Tests.Storage;

public sealed class Crc32CTests
{
    private static readonly Config s_config = Config.QuickThrowOnFailure
        .WithMaxTest(1000)
        .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(20_250_611UL), FSharpOption<int>.None)));

    public static TheoryData<byte[], uint> Vectors => new()
    {
        { Encoding.ASCII.GetBytes("123456789"), 0xE3069283u },
        { [], 0x00000000u },
        { new byte[32], 0x8A9136AAu }, // RFC 3720 B.4: 32 bytes of zeros
        { Enumerable.Repeat((byte)0xFF, 32).ToArray(), 0x62A8AB43u }, // 32 bytes of ones
        { Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), 0x46DD794Eu }, // 32 incrementing bytes
        { Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray(), 0x113FDB5Cu }, // 32 decrementing bytes
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Compute_KnownVector_MatchesReference(byte[] data, uint expected)
    {
        Assert.Equal(expected, Crc32C.Compute(data));
        Assert.Equal(expected, Crc32C.AppendSoftware(0, data));
    }

    [Fact]
    public void Append_ArbitraryBytes_HardwareEqualsSoftware()
    {
        Check.One(s_config, Prop.ForAll<byte[], uint>((data, seed) =>
            Crc32C.Append(seed, data) == Crc32C.AppendSoftware(seed, data)));
    }

    [Fact]
    public void Append_SplitAnywhere_EqualsComputeOfWhole()
    {
        Check.One(s_config, Prop.ForAll<byte[], int>((data, cut) =>
        {
            int split = data.Length == 0 ? 0 : (int)((uint)cut % (uint)(data.Length + 1));
            uint whole = Crc32C.Compute(data);
            return Crc32C.Append(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split)) == whole
                && Crc32C.AppendSoftware(Crc32C.AppendSoftware(0, data.AsSpan(0, split)), data.AsSpan(split)) == whole;
        }));
    }

    [Fact]
    public void Append_LongUnalignedBuffers_HardwareEqualsSoftware()
    {
        // Lengths and offsets around the 4- and 8-byte steps of the hardware loops, plus a large buffer.
        var random = new Random(7);
        byte[] data = new byte[70_000];
        random.NextBytes(data);
        for (int offset = 0; offset < 9; offset++)
        {
            foreach (int length in new[] { 0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 69_990 })
            {
                ReadOnlySpan<byte> slice = data.AsSpan(offset, length);
                Assert.Equal(Crc32C.AppendSoftware(0, slice), Crc32C.Compute(slice));
            }
        }
    }
}
