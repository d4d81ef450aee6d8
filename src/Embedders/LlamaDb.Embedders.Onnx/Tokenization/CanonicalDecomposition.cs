using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace LlamaDb.Embedders.Onnx.Tokenization;

/// <summary>
/// Allocation-free canonical decomposition (NFD) for the accent-stripping step, from a per-character cache filled
/// lazily with <see cref="string.Normalize(NormalizationForm)"/>. (The span <c>TryNormalize</c> of the BCL allocates
/// on every call on ICU platforms.)
/// </summary>
/// <remarks>
/// Decomposing character by character equals NFD followed by removal of non-spacing marks as long as every
/// combining character (canonical combining class other than 0) is a non-spacing mark: canonical reordering only
/// permutes combining characters, and those are all removed. Words holding spacing or enclosing marks or
/// supplementary characters are therefore left to the full normalizer (<see cref="TryDecompose"/> returns false).
/// </remarks>
internal static class CanonicalDecomposition
{
    private const byte Unknown = 0;
    private const byte Unchanged = 1;
    private const byte Decomposes = 2;
    private const byte NeedsFullNormalization = 3;

    private static readonly byte[] s_kinds = new byte[char.MaxValue + 1];
    private static readonly ConcurrentDictionary<char, string> s_decompositions = new();

    /// <summary>Appends the canonical decomposition of <paramref name="word"/>, or returns false when it needs the full normalizer.</summary>
    public static bool TryDecompose(ReadOnlySpan<char> word, ref PooledBuffer<char> output)
    {
        output.Clear();
        foreach (char c in word)
        {
            if (c < 0x80)
            {
                output.Append(c);
                continue;
            }

            byte kind = Volatile.Read(ref s_kinds[c]);
            if (kind == Unknown)
            {
                kind = Classify(c);
            }

            switch (kind)
            {
                case Unchanged:
                    output.Append(c);
                    break;
                case Decomposes:
                    output.Append(s_decompositions[c]);
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    private static byte Classify(char c)
    {
        byte kind;
        if (char.IsSurrogate(c) || IsSpacingOrEnclosingMark(c))
        {
            kind = NeedsFullNormalization;
        }
        else
        {
            string decomposed = c.ToString().Normalize(NormalizationForm.FormD);
            if (decomposed.Length == 1 && decomposed[0] == c)
            {
                kind = Unchanged;
            }
            else
            {
                kind = Decomposes;
                foreach (char part in decomposed)
                {
                    if (char.IsSurrogate(part) || IsSpacingOrEnclosingMark(part))
                    {
                        kind = NeedsFullNormalization;
                        break;
                    }
                }

                if (kind == Decomposes)
                {
                    // Published before the kind, so a reader that sees Decomposes finds the entry.
                    s_decompositions[c] = decomposed;
                }
            }
        }

        Volatile.Write(ref s_kinds[c], kind);
        return kind;
    }

    private static bool IsSpacingOrEnclosingMark(char c) => CharUnicodeInfo.GetUnicodeCategory(c)
        is UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
}
