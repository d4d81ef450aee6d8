using System.Runtime.InteropServices;

namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>
/// A 64-bit FNV-1a-style checksum over 8-byte words (bytes for the tail), folded per written section. It catches
/// torn and flipped bytes inside the snapshot body; it is not a cryptographic hash.
/// </summary>
internal struct SnapshotChecksum
{
    private const ulong Prime = 0x100000001B3UL;
    private ulong _state;

    /// <summary>Creates a checksum in its initial state.</summary>
    public SnapshotChecksum() => _state = 0xCBF29CE484222325UL;

    /// <summary>Gets the current value.</summary>
    public readonly ulong Value => _state;

    /// <summary>Folds one section into the checksum.</summary>
    public void Append(ReadOnlySpan<byte> section)
    {
        ulong h = _state ^ (ulong)section.Length;
        h *= Prime;
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(section);
        for (int i = 0; i < words.Length; i++)
        {
            h = (h ^ words[i]) * Prime;
        }

        for (int i = words.Length * sizeof(ulong); i < section.Length; i++)
        {
            h = (h ^ section[i]) * Prime;
        }

        _state = h;
    }
}
