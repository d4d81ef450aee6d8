using System.Buffers.Binary;

namespace LlamaDb.Connectors.Hnsw.CrashHost;

/// <summary>
/// The payloads the crash host appends, reproducible from (seed, writer, sequence) and self-describing: the first 8
/// bytes name the writer and sequence, so a test can regenerate any entry it finds in the log and compare.
/// Compiled into both the host and the test project.
/// </summary>
internal static class CrashPayload
{
    public const int PrefixLength = 8;

    public static byte[] Create(int seed, int writer, int sequence)
    {
        var random = new Random(unchecked((seed * 1_000_003) + (writer * 65_537) + sequence));

        // Mostly small entries, some large ones that take many pages to write.
        int bodyLength = random.Next(4) == 0 ? random.Next(4_096, 65_536) : random.Next(0, 512);
        byte[] payload = new byte[PrefixLength + bodyLength];
        BinaryPrimitives.WriteInt32LittleEndian(payload, writer);
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(4), sequence);
        random.NextBytes(payload.AsSpan(PrefixLength));
        return payload;
    }

    public static bool TryParse(ReadOnlySpan<byte> payload, out int writer, out int sequence)
    {
        writer = sequence = 0;
        if (payload.Length < PrefixLength)
        {
            return false;
        }

        writer = BinaryPrimitives.ReadInt32LittleEndian(payload);
        sequence = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        return true;
    }
}
