using System.Globalization;

namespace LlamaDb.Embedders.Onnx.Tokenization;

/// <summary>
/// Character classes of Hugging Face's <c>BertNormalizer</c> and <c>BertPreTokenizer</c> (Rust <c>tokenizers</c>).
/// </summary>
internal static class BertCharacters
{
    private const byte AsciiWhitespace = 1;
    private const byte AsciiControl = 2;
    private const byte AsciiPunctuation = 4;

    private static readonly byte[] s_ascii = BuildAsciiTable();

    /// <summary>Unicode <c>White_Space</c>, the property Rust's <c>char::is_whitespace</c> tests.</summary>
    public static bool IsWhitespace(int codePoint) => codePoint < 0x80
        ? (s_ascii[codePoint] & AsciiWhitespace) != 0
        : codePoint is 0x85 or 0xA0 or 0x1680 or (>= 0x2000 and <= 0x200A) or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000;

    /// <summary>
    /// The characters <c>BertNormalizer</c>'s clean-text step removes: U+0000, U+FFFD and every "Other" category
    /// (Cc, Cf, Cs, Co, Cn) except tab, line feed and carriage return.
    /// </summary>
    public static bool IsRemovedByCleanText(int codePoint)
    {
        if (codePoint < 0x80)
        {
            return (s_ascii[codePoint] & AsciiControl) != 0;
        }

        if (codePoint == 0xFFFD)
        {
            return true;
        }

        UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(codePoint);
        return category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;
    }

    /// <summary>ASCII punctuation (33-47, 58-64, 91-96, 123-126) or any Unicode P* category.</summary>
    public static bool IsPunctuation(int codePoint)
    {
        if (codePoint < 0x80)
        {
            return (s_ascii[codePoint] & AsciiPunctuation) != 0;
        }

        return CharUnicodeInfo.GetUnicodeCategory(codePoint) is UnicodeCategory.ConnectorPunctuation
            or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation
            or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
            or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>Whether an ASCII character is punctuation.</summary>
    public static bool IsAsciiPunctuation(char c) => (s_ascii[c] & AsciiPunctuation) != 0;

    /// <summary>The CJK ideograph ranges of the original BERT tokenizer.</summary>
    public static bool IsChinese(int codePoint) => codePoint is
        (>= 0x4E00 and <= 0x9FFF) or
        (>= 0x3400 and <= 0x4DBF) or
        (>= 0x20000 and <= 0x2A6DF) or
        (>= 0x2A700 and <= 0x2B73F) or
        (>= 0x2B740 and <= 0x2B81F) or
        (>= 0x2B920 and <= 0x2CEAF) or
        (>= 0xF900 and <= 0xFAFF) or
        (>= 0x2F800 and <= 0x2FA1F);

    /// <summary>Whether a code point is a non-spacing mark (Mn), the class accent stripping removes.</summary>
    public static bool IsNonSpacingMark(int codePoint) =>
        codePoint >= 0x300 && CharUnicodeInfo.GetUnicodeCategory(codePoint) == UnicodeCategory.NonSpacingMark;

    private static byte[] BuildAsciiTable()
    {
        var table = new byte[128];
        for (int c = 0; c < 0x20; c++)
        {
            table[c] = AsciiControl;
        }

        table[0x7F] = AsciiControl;

        // Tab, line feed and carriage return are whitespace to the normalizer, not controls.
        table['\t'] = AsciiWhitespace;
        table['\n'] = AsciiWhitespace;
        table['\r'] = AsciiWhitespace;

        // Vertical tab and form feed are White_Space too, but clean-text removes them first as controls.
        table[0x0B] |= AsciiWhitespace;
        table[0x0C] |= AsciiWhitespace;
        table[' '] = AsciiWhitespace;
        for (int c = 33; c <= 126; c++)
        {
            if (c is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126))
            {
                table[c] = AsciiPunctuation;
            }
        }

        return table;
    }
}
