using System.Buffers.Binary;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace LlamaDb.Connectors.Hnsw.Storage;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every LlamaDb file and log entry.
/// Uses the SSE4.2 / ARMv8 CRC32C instructions when the CPU has them and a slicing-by-8 table otherwise.
/// </summary>
internal static class Crc32C
{
    private const uint ReflectedPolynomial = 0x82F63B78u;

    private static readonly uint[] s_table = CreateTable();

    /// <summary>Gets a value indicating whether <see cref="Append"/> runs on CRC32C CPU instructions.</summary>
    public static bool IsHardwareAccelerated => Sse42.IsSupported || Crc32.IsSupported;

    /// <summary>Computes the CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>
    /// Continues a CRC-32C: <c>Append(Compute(a), b) == Compute(a + b)</c>. Start from 0 for an empty prefix.
    /// </summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint state = ~crc;
        if (Sse42.IsSupported)
        {
            state = UpdateX86(state, data);
        }
        else if (Crc32.IsSupported)
        {
            state = UpdateArm(state, data);
        }
        else
        {
            state = UpdateTable(state, data);
        }

        return ~state;
    }

    /// <summary>The table-driven path, whatever the CPU supports; tests compare it with <see cref="Append"/>.</summary>
    internal static uint AppendSoftware(uint crc, ReadOnlySpan<byte> data) => ~UpdateTable(~crc, data);

    private static uint UpdateX86(uint state, ReadOnlySpan<byte> data)
    {
        if (Sse42.X64.IsSupported)
        {
            ulong wide = state;
            while (data.Length >= sizeof(ulong))
            {
                wide = Sse42.X64.Crc32(wide, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[sizeof(ulong)..];
            }

            state = (uint)wide;
        }

        while (data.Length >= sizeof(uint))
        {
            state = Sse42.Crc32(state, BinaryPrimitives.ReadUInt32LittleEndian(data));
            data = data[sizeof(uint)..];
        }

        foreach (byte b in data)
        {
            state = Sse42.Crc32(state, b);
        }

        return state;
    }

    private static uint UpdateArm(uint state, ReadOnlySpan<byte> data)
    {
        if (Crc32.Arm64.IsSupported)
        {
            while (data.Length >= sizeof(ulong))
            {
                state = Crc32.Arm64.ComputeCrc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[sizeof(ulong)..];
            }
        }

        while (data.Length >= sizeof(uint))
        {
            state = Crc32.ComputeCrc32C(state, BinaryPrimitives.ReadUInt32LittleEndian(data));
            data = data[sizeof(uint)..];
        }

        foreach (byte b in data)
        {
            state = Crc32.ComputeCrc32C(state, b);
        }

        return state;
    }

    private static uint UpdateTable(uint state, ReadOnlySpan<byte> data)
    {
        uint[] table = s_table;
        while (data.Length >= 8)
        {
            uint low = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ state;
            uint high = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            state = table[(7 * 256) + (low & 0xFF)]
                ^ table[(6 * 256) + ((low >> 8) & 0xFF)]
                ^ table[(5 * 256) + ((low >> 16) & 0xFF)]
                ^ table[(4 * 256) + (low >> 24)]
                ^ table[(3 * 256) + (high & 0xFF)]
                ^ table[(2 * 256) + ((high >> 8) & 0xFF)]
                ^ table[(1 * 256) + ((high >> 16) & 0xFF)]
                ^ table[high >> 24];
            data = data[8..];
        }

        foreach (byte b in data)
        {
            state = table[(state ^ b) & 0xFF] ^ (state >> 8);
        }

        return state;
    }

    // Slicing-by-8: table[k * 256 + b] is the CRC state after byte b followed by k zero bytes.
    private static uint[] CreateTable()
    {
        var table = new uint[8 * 256];
        for (uint b = 0; b < 256; b++)
        {
            uint crc = b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ ReflectedPolynomial : crc >> 1;
            }

            table[b] = crc;
        }

        for (int slice = 1; slice < 8; slice++)
        {
            for (int b = 0; b < 256; b++)
            {
                uint previous = table[((slice - 1) * 256) + b];
                table[(slice * 256) + b] = table[previous & 0xFF] ^ (previous >> 8);
            }
        }

        return table;
    }
}
