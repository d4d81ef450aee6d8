namespace LlamaDb.Connectors.Hnsw.FullText;

/// <summary>
/// The 64-bit FNV-1a hash, used as the checksum of saved indexes. Every step is a bijection of the state for a given
/// byte, so changing any single byte always changes the hash.
/// </summary>
internal static class Fnv1a64
{
    /// <summary>The hash of no bytes.</summary>
    public const ulong Initial = 14695981039346656037UL;

    private const ulong Prime = 1099511628211UL;

    /// <summary>Continues <paramref name="hash"/> over <paramref name="data"/>.</summary>
    public static ulong Append(ulong hash, ReadOnlySpan<byte> data)
    {
        foreach (byte value in data)
        {
            hash = (hash ^ value) * Prime;
        }

        return hash;
    }
}
