using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using LlamaDb.Embedders.Onnx.Tokenization;
using static LlamaDb.Embedders.Onnx.Tests.Tokenization.ReferenceData;

namespace LlamaDb.Embedders.Onnx.Tests.Tokenization;

/// <summary>FsCheck properties over arbitrary text: Unicode, surrogates (paired and lone), controls, special tokens.</summary>
public sealed class BertTokenizerPropertyTests
{
    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(400);

    private static readonly string[] s_fragments =
    [
        "[CLS]", "[SEP]", "[MASK]", "[PAD]", "[UNK]", "[CL", "S]", "[", "]", "##", " ", "  ", "\t", "\n", "\r\n",
        "\u0000", "\uFFFD", "\u200B", "\u00A0", "\u3000", "\u2028", "e\u0301", "\u0301", "\u0130", "ß", "中文", "全角",
        "🙂", "\uD83D\uDE00", "\uD800", "\uDC00", "\uDBFF\uDFFF", "unaffable", "naïve", "don't", "Hello", "WORLD",
        ",", "!", "—", "ＡＢＣ", "\u037E", "\uF900", "𝐀", "Ångström", "\u0085", "\u000B", "\u001F", "\uFEFF",
        "\uE000", "\uFFFF", "\u0378", "ﬁ", "한국어", "\u1B44", "\u0958", "\u0BCA", "\u1F89", "\u0345\u0301\u0316", "עברית", "٣", "3.50", "e-mail", new string('x', 101),
    ];

    private static readonly Gen<string> s_text = Gen.ArrayOf(Gen.OneOf(
            Gen.Elements(s_fragments),
            Gen.Choose(0, 0xFFFF).Select(c => ((char)c).ToString()),
            Gen.Choose(0x10000, 0x10FFFF).Select(char.ConvertFromUtf32),
            Gen.Choose(0x20, 0x7E).Select(c => ((char)c).ToString()),
            Gen.Elements("a", "b", "c", "e", "s", "t", "ing", "re", "un")))
        .Select(parts => string.Concat(parts));

    private static BertTokenizer MiniLmTokenizer => Tokenizer(MiniLm, "vocab.txt");

    private static string StripMarks(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (Rune rune in text.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(rune.ToString());
            }
        }

        return builder.ToString();
    }

    [Fact]
    public void Encode_ArbitraryText_NeverThrowsAndReturnsValidIdsFramedByClsAndSep()
    {
        BertTokenizer tokenizer = MiniLmTokenizer;
        Check.One(s_config, Prop.ForAll(Arb.From(s_text), text =>
        {
            TokenizedText encoded = tokenizer.Encode(text);
            bool idsValid = true;
            foreach (int id in encoded.InputIds)
            {
                idsValid &= id >= 0 && id < tokenizer.VocabularySize && tokenizer.GetToken(id).Length > 0;
            }

            return idsValid
                && encoded.InputIds[0] == tokenizer.ClsId
                && encoded.InputIds[^1] == tokenizer.SepId
                && !encoded.Truncated
                && encoded.UntruncatedLength == encoded.Length
                && tokenizer.CountTokens(text) == encoded.Length
                && encoded.TokenTypeIds.Length == encoded.Length
                && Array.TrueForAll(encoded.TokenTypeIds, t => t == 0);
        }));
    }

    [Fact]
    public void Encode_ArbitraryTextAndMaxLength_KeepsPrefixAndEndsWithSep()
    {
        BertTokenizer tokenizer = MiniLmTokenizer;
        Check.One(s_config, Prop.ForAll(Arb.From(s_text), Arb.From(Gen.Choose(2, 40)), (text, maxLength) =>
        {
            TokenizedText full = tokenizer.Encode(text);
            TokenizedText cut = tokenizer.Encode(text, maxLength);
            int expectedLength = Math.Min(full.Length, maxLength);
            return cut.Length == expectedLength
                && cut.InputIds.AsSpan(0, expectedLength - 1).SequenceEqual(full.InputIds.AsSpan(0, expectedLength - 1))
                && cut.InputIds[^1] == tokenizer.SepId
                && cut.Truncated == (full.Length > maxLength)
                && cut.UntruncatedLength == full.Length;
        }));
    }

    [Fact]
    public void EncodePair_ArbitraryTexts_FitMaxLengthAndKeepPrefixesOfBothTexts()
    {
        BertTokenizer tokenizer = MiniLmTokenizer;
        Check.One(s_config, Prop.ForAll(Arb.From(s_text), Arb.From(s_text), Arb.From(Gen.Choose(3, 48)), (a, b, maxLength) =>
        {
            int[] piecesA = tokenizer.Encode(a).InputIds[1..^1];
            int[] piecesB = tokenizer.Encode(b).InputIds[1..^1];
            TokenizedText pair = tokenizer.EncodePair(a, b, maxLength);
            int firstSep = Array.IndexOf(pair.TokenTypeIds, 1) - 1;
            int keepA = firstSep - 1;
            int keepB = pair.Length - firstSep - 2;
            (int expectedA, int expectedB) = BertTokenizer.LongestFirst(piecesA.Length, piecesB.Length, maxLength - 3);
            return pair.Length <= maxLength
                && pair.UntruncatedLength == piecesA.Length + piecesB.Length + 3
                && pair.Truncated == (piecesA.Length + piecesB.Length + 3 > maxLength)
                && keepA == expectedA && keepB == expectedB
                && pair.InputIds[0] == tokenizer.ClsId
                && pair.InputIds[firstSep] == tokenizer.SepId
                && pair.InputIds[^1] == tokenizer.SepId
                && pair.InputIds.AsSpan(1, keepA).SequenceEqual(piecesA.AsSpan(0, keepA))
                && pair.InputIds.AsSpan(firstSep + 1, keepB).SequenceEqual(piecesB.AsSpan(0, keepB))
                && Array.LastIndexOf(pair.TokenTypeIds, 0) == firstSep;
        }));
    }

    [Fact]
    public void Tokenize_TextsJoinedBySpace_ConcatenatesTheirPieces()
    {
        BertTokenizer tokenizer = MiniLmTokenizer;
        Check.One(s_config, Prop.ForAll(Arb.From(s_text), Arb.From(s_text), (a, b) =>
        {
            string[] expected = [.. tokenizer.Tokenize(a), .. tokenizer.Tokenize(b)];
            return tokenizer.Tokenize(a + " " + b).SequenceEqual(expected);
        }));
    }

    [Fact]
    public void Tokenize_ArbitraryText_MatchesEncodeIdsBetweenSpecialTokens()
    {
        BertTokenizer tokenizer = MiniLmTokenizer;
        Check.One(s_config, Prop.ForAll(Arb.From(s_text), text =>
        {
            int[] ids = tokenizer.Encode(text).InputIds[1..^1];
            IReadOnlyList<string> tokens = tokenizer.Tokenize(text);
            if (tokens.Count != ids.Length)
            {
                return false;
            }

            for (int i = 0; i < ids.Length; i++)
            {
                if (!tokenizer.TryGetId(tokens[i], out int id) || id != ids[i])
                {
                    return false;
                }
            }

            return true;
        }));
    }

    [Fact]
    public void Tokenize_AsciiTextInAnyCase_GivesTheSamePieces()
    {
        BertTokenizer tokenizer = MiniLmTokenizer;
        Gen<string> ascii = Gen.ArrayOf(Gen.Choose(0x20, 0x7E).Where(c => c != '[').Select(c => (char)c))
            .Select(chars => new string(chars));
        Check.One(s_config, Prop.ForAll(Arb.From(ascii), text =>
            tokenizer.Tokenize(text.ToUpperInvariant()).SequenceEqual(tokenizer.Tokenize(text.ToLowerInvariant()))));
    }

    [Fact]
    public void CanonicalDecomposition_ArbitraryText_StrippedEqualsFullNormalizerStripped()
    {
        Check.One(s_config, Prop.ForAll(Arb.From(s_text), text =>
        {
            // The tokenizer never passes lone surrogates on (they become U+FFFD first).
            var word = new StringBuilder(text.Length);
            foreach (Rune rune in text.EnumerateRunes())
            {
                word.Append(rune.ToString());
            }

            string valid = word.ToString();
            var buffer = new PooledBuffer<char>(16);
            try
            {
                return !CanonicalDecomposition.TryDecompose(valid, ref buffer)
                    || StripMarks(buffer.Span.ToString()) == StripMarks(valid.Normalize(NormalizationForm.FormD));
            }
            finally
            {
                buffer.Dispose();
            }
        }));
    }

    [Fact]
    public void Encode_AllThreeLoaders_AgreeOnArbitraryText()
    {
        BertTokenizer fromVocab = Tokenizer(MiniLm, "vocab.txt");
        BertTokenizer fromJson = Tokenizer(MiniLm, "tokenizer.json");
        BertTokenizer fromDirectory = Tokenizer(MiniLm, "directory");
        Check.One(s_config, Prop.ForAll(Arb.From(s_text), text =>
        {
            int[] ids = fromVocab.Encode(text).InputIds;
            return ids.AsSpan().SequenceEqual(fromJson.Encode(text).InputIds)
                && ids.AsSpan().SequenceEqual(fromDirectory.Encode(text).InputIds);
        }));
    }
}
