using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace LlamaDb.Connectors.Hnsw.FullText;

/// <summary>
/// Turns text into index terms: splits it into words, lowercases them, drops stop words and stems what is left.
/// </summary>
/// <remarks>
/// <para>
/// Words are maximal runs of letters, numbers and combining marks (by Unicode category); every other character
/// separates words, so <c>covid-19</c> gives <c>covid</c> and <c>19</c>. CJK ideographs and hiragana become
/// one-character terms, as Lucene's <c>StandardTokenizer</c> emits them. An English possessive <c>'s</c> (straight
/// or curly apostrophe) is dropped, as Lucene's <c>EnglishPossessiveFilter</c> does. Words longer than
/// <see cref="MaxTermLength"/> UTF-16 units are cut into pieces of that length.
/// </para>
/// <para>Stateless and thread-safe.</para>
/// </remarks>
internal sealed class TextAnalyzer
{
    /// <summary>The longest term, in UTF-16 units (Lucene's default maximum token length).</summary>
    public const int MaxTermLength = 255;

    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _stopWords;
    private readonly bool _stem;

    private TextAnalyzer(string name, FrozenSet<string> stopWords, bool stem)
    {
        Name = name;
        _stopWords = stopWords.GetAlternateLookup<ReadOnlySpan<char>>();
        _stem = stem;
    }

    /// <summary>
    /// Gets the English analyzer: Unicode word split, invariant lowercasing, Lucene's English stop words and the
    /// Porter stemmer — the same pipeline as Lucene's <c>EnglishAnalyzer</c> and Anserini's default analyzer, except
    /// that words split on every non-word character (UAX #29 would keep <c>3.5</c> or <c>don't</c> whole).
    /// </summary>
    public static TextAnalyzer English { get; } = new("english-porter/1", EnglishStopWords.Set, stem: true);

    /// <summary>
    /// Gets the name and version of this analyzer's pipeline; saved indexes record it, because terms made by
    /// another pipeline would not match.
    /// </summary>
    public string Name { get; }

    /// <summary>Appends the terms of <paramref name="text"/> to <paramref name="terms"/>, in text order.</summary>
    /// <param name="text">The text to analyze.</param>
    /// <param name="terms">The list the terms are appended to.</param>
    public void Analyze(ReadOnlySpan<char> text, List<string> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);

        // Two spare units: a lowercased rune may take two, and the check below keeps the term within MaxTermLength.
        Span<char> term = stackalloc char[MaxTermLength + 2];
        int length = 0;
        int i = 0;
        while (i < text.Length)
        {
            // Unpaired surrogates decode as U+FFFD (a symbol), so they separate words.
            Rune.DecodeFromUtf16(text[i..], out Rune rune, out int consumed);
            switch (Classify(rune))
            {
                case CharKind.Word:
                case CharKind.Mark when length > 0:
                    Rune lower = Rune.ToLowerInvariant(rune);
                    if (length + lower.Utf16SequenceLength > MaxTermLength)
                    {
                        Emit(term, length, terms);
                        length = 0;
                    }

                    length += lower.EncodeToUtf16(term[length..]);
                    break;

                case CharKind.Ideograph:
                    Emit(term, length, terms);
                    length = 0;
                    terms.Add(text.Slice(i, consumed).ToString());
                    break;

                case CharKind.Apostrophe when length > 0 && IsPossessiveS(text, i + consumed):
                    Emit(term, length, terms);
                    length = 0;
                    consumed++; // the 's'
                    break;

                default:
                    Emit(term, length, terms);
                    length = 0;
                    break;
            }

            i += consumed;
        }

        Emit(term, length, terms);
    }

    private void Emit(Span<char> buffer, int length, List<string> terms)
    {
        if (length == 0)
        {
            return;
        }

        Span<char> term = buffer[..length];
        if (_stopWords.Contains(term))
        {
            return;
        }

        if (_stem)
        {
            term = term[..PorterStemmer.Stem(term)];
        }

        terms.Add(term.ToString());
    }

    /// <summary>True when <paramref name="text"/> has an <c>s</c> at <paramref name="index"/> that ends a word.</summary>
    private static bool IsPossessiveS(ReadOnlySpan<char> text, int index)
    {
        if (index >= text.Length || (text[index] != 's' && text[index] != 'S'))
        {
            return false;
        }

        int next = index + 1;
        if (next == text.Length)
        {
            return true;
        }

        Rune.DecodeFromUtf16(text[next..], out Rune rune, out _);
        return Classify(rune) is not (CharKind.Word or CharKind.Mark);
    }

    private static CharKind Classify(Rune rune)
    {
        int value = rune.Value;
        if (value < 0x80)
        {
            return (uint)((value | 0x20) - 'a') <= 'z' - 'a' || (uint)(value - '0') <= 9 ? CharKind.Word
                : value == '\'' ? CharKind.Apostrophe
                : CharKind.Separator;
        }

        if (IsIdeograph(value))
        {
            return CharKind.Ideograph;
        }

        switch (Rune.GetUnicodeCategory(rune))
        {
            case UnicodeCategory.UppercaseLetter:
            case UnicodeCategory.LowercaseLetter:
            case UnicodeCategory.TitlecaseLetter:
            case UnicodeCategory.ModifierLetter:
            case UnicodeCategory.OtherLetter:
            case UnicodeCategory.DecimalDigitNumber:
            case UnicodeCategory.LetterNumber:
            case UnicodeCategory.OtherNumber:
                return CharKind.Word;
            case UnicodeCategory.NonSpacingMark:
            case UnicodeCategory.SpacingCombiningMark:
            case UnicodeCategory.EnclosingMark:
                return CharKind.Mark;
            default:
                return value is 0x2019 or 0xFF07 ? CharKind.Apostrophe : CharKind.Separator;
        }
    }

    /// <summary>CJK ideographs (blocks and extensions, compatibility forms, planes 2 and 3) and hiragana.</summary>
    private static bool IsIdeograph(int value) =>
        value is (>= 0x3400 and <= 0x4DBF) or (>= 0x4E00 and <= 0x9FFF) or (>= 0xF900 and <= 0xFAFF)
            or (>= 0x20000 and <= 0x3FFFF) or (>= 0x3005 and <= 0x3007) or (>= 0x3041 and <= 0x309F);

    private enum CharKind
    {
        Separator,
        Word,
        Mark,
        Ideograph,
        Apostrophe,
    }
}
