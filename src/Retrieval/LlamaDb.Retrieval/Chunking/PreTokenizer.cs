using System.Globalization;
using System.Text;

namespace LlamaDb.Retrieval;

/// <summary>BERT-style pre-tokenization: words are runs of letters, digits and marks; every other non-space character
/// (punctuation, symbols, CJK ideographs) stands alone; whitespace separates; controls are silent.</summary>
internal static class PreTokenizer
{
    public static void Split(string text, List<(int Start, int End, PreTokenKind Kind)> spans)
    {
        int i = 0;
        int wordStart = -1;
        while (i < text.Length)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out Rune rune, out int length);
            if (Rune.IsWhiteSpace(rune))
            {
                Close(ref wordStart, i, spans);
            }
            else if (Rune.IsControl(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.Surrogate)
            {
                // Controls, format characters and lone surrogates: tokenizers drop or replace them; they carry no tokens.
                Close(ref wordStart, i, spans);
                spans.Add((i, i + length, PreTokenKind.Silent));
            }
            else if (IsWordRune(rune))
            {
                if (wordStart < 0)
                {
                    wordStart = i;
                }
            }
            else
            {
                Close(ref wordStart, i, spans);
                spans.Add((i, i + length, PreTokenKind.Symbol));
            }

            i += length;
        }

        Close(ref wordStart, text.Length, spans);
    }

    private static void Close(ref int wordStart, int end, List<(int Start, int End, PreTokenKind Kind)> spans)
    {
        if (wordStart >= 0)
        {
            spans.Add((wordStart, end, PreTokenKind.Word));
            wordStart = -1;
        }
    }

    private static bool IsWordRune(Rune rune)
    {
        if (IsCjk(rune.Value))
        {
            return false;
        }

        UnicodeCategory category = Rune.GetUnicodeCategory(rune);
        return category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber
            or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber or UnicodeCategory.NonSpacingMark
            or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
    }

    private static bool IsCjk(int c) => c is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
        or (>= 0x2A700 and <= 0x2CEAF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}

/// <summary>What a pre-token is.</summary>
internal enum PreTokenKind
{
    /// <summary>A run of letters, digits and marks.</summary>
    Word,

    /// <summary>One punctuation mark, symbol or CJK ideograph.</summary>
    Symbol,

    /// <summary>A control or format character: no tokens.</summary>
    Silent,
}
