using FsCheck;
using FsCheck.Fluent;
using LlamaDb.Connectors.Hnsw.FullText;

namespace LlamaDb.Connectors.Hnsw.Tests.FullText;

public sealed class TextAnalyzerTests
{
    private static List<string> Analyze(string text)
    {
        var terms = new List<string>();
        TextAnalyzer.English.Analyze(text, terms);
        return terms;
    }

    [Fact]
    public void Analyze_MixedCaseSentence_LowercasesDropsStopWordsAndStems()
    {
        Assert.Equal(["quick", "brown", "fox", "jump", "over", "lazi", "dog"],
            Analyze("The Quick BROWN foxes jumped over the lazy dog."));
    }

    [Fact]
    public void Analyze_OnlyStopWords_ReturnsNothing()
    {
        Assert.Empty(Analyze("To be, or not to be: that is the question".Replace("question", "it", StringComparison.Ordinal)));
        Assert.Empty(Analyze("A AN AND ARE AS AT BE BUT BY FOR IF IN INTO IS IT NO NOT OF ON OR SUCH THAT THE THEIR THEN THERE THESE THEY THIS TO WAS WILL WITH"));
    }

    [Fact]
    public void Analyze_StopWordSet_IsLuceneClassicEnglishSet()
    {
        Assert.Equal(33, EnglishStopWords.Set.Count);
        Assert.Equal(["which", "would", "have"], Analyze("which would have")); // not in Lucene's set
    }

    [Fact]
    public void Analyze_AppendsToExistingTerms()
    {
        var terms = new List<string> { "kept" };
        TextAnalyzer.English.Analyze("dog", terms);
        Assert.Equal(["kept", "dog"], terms);
    }

    [Fact]
    public void Analyze_AccentedAndNonLatinLetters_StayInsideWords()
    {
        Assert.Equal(["café", "müller", "ñandú", "ærø", "αθηνα", "москва"], Analyze("Café MÜLLER, ñandú; Ærø/ΑΘΗΝΑ-Москва"));
    }

    [Fact]
    public void Analyze_CombiningMark_StaysWithItsLetter()
    {
        Assert.Equal(["cafe\u0301", "bar"], Analyze("CAFE\u0301 bar"));
    }

    [Fact]
    public void Analyze_CjkIdeographs_BecomeSingleCharacterTerms()
    {
        Assert.Equal(["北", "京", "大", "学", "great"], Analyze("北京大学 is great"));
        Assert.Equal(["abc", "中", "文", "def"], Analyze("abc中文def"));
        Assert.Equal(["\U00020000", "x"], Analyze("\U00020000x"));
    }

    [Fact]
    public void Analyze_HangulAndKatakana_StayWhole()
    {
        Assert.Equal(["한국어", "カタカナ"], Analyze("한국어 カタカナ"));
    }

    [Fact]
    public void Analyze_Digits_AreKeptAndSplitAtPunctuation()
    {
        Assert.Equal(["covid", "19", "2020", "p53", "level", "3", "5"], Analyze("COVID-19 in 2020, p53 levels of 3.5"));
        Assert.Equal(["٣٤"], Analyze("٣٤")); // Arabic-Indic digits are digits too.
    }

    [Fact]
    public void Analyze_Possessive_IsDropped()
    {
        Assert.Equal(["john", "dog", "bone"], Analyze("John's dog’S bone"));
        Assert.Equal(["don", "t"], Analyze("don't"));
        Assert.Equal(["cat", "sx"], Analyze("cat'sx")); // not a trailing 's: the apostrophe just separates
    }

    [Fact]
    public void Analyze_SymbolsEmojiAndLoneSurrogates_Separate()
    {
        Assert.Equal(["hello", "world"], Analyze("hello😀world"));
        Assert.Equal(["ab", "cd"], Analyze("ab\uD800cd"));
        Assert.Equal(["e", "mail", "foo", "bar"], Analyze("e-mail/foo_bar"));
        Assert.Empty(Analyze("  \t\n ... !!! ---"));
    }

    [Fact]
    public void Analyze_WordLongerThanMaximum_IsCutIntoPieces()
    {
        List<string> terms = Analyze(new string('x', 600));
        Assert.Equal([255, 255, 90], terms.Select(t => t.Length));
    }

    [Fact]
    public void Analyze_NullList_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => TextAnalyzer.English.Analyze("x", null!));
    }

    [Fact]
    public void Analyze_ArbitraryText_GivesBoundedLowercaseTerms()
    {
        Gen<string> text = Gen.ArrayOf(Gen.OneOf(
                Gen.Elements("The", "is", " ", "-", "'s", "’", "北京", "é", "\u0301", "😀", "\uD800", "\uDC00", "running", "Ünïcode", "42", new string('y', 300)),
                Gen.Choose(0, 0xFFFF).Select(c => ((char)c).ToString()),
                Gen.Choose(0x20, 0x7E).Select(c => ((char)c).ToString())))
            .Select(parts => string.Concat(parts));

        Check.One(FullTextTestData.Seeded(500), Prop.ForAll(Arb.From(text), value =>
        {
            List<string> terms = Analyze(value);
            foreach (string term in terms)
            {
                // (No stop-word check: stop words are dropped before stemming, so "thes" -> "the" is kept, as in Lucene.)
                if (term.Length == 0 || term.Length > TextAnalyzer.MaxTermLength || term.Any(char.IsAsciiLetterUpper))
                {
                    return false;
                }
            }

            return terms.SequenceEqual(Analyze(value)); // deterministic
        }));
    }

    [Fact]
    public void Analyze_AsciiText_IgnoresCase()
    {
        Gen<string> ascii = Gen.ArrayOf(Gen.Choose(0x20, 0x7E).Select(c => (char)c)).Select(chars => new string(chars));
        Check.One(FullTextTestData.Seeded(500), Prop.ForAll(Arb.From(ascii), value =>
            Analyze(value.ToUpperInvariant()).SequenceEqual(Analyze(value.ToLowerInvariant()))));
    }
}
