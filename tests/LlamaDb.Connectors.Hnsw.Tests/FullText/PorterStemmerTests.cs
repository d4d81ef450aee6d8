using LlamaDb.Connectors.Hnsw.FullText;

namespace LlamaDb.Connectors.Hnsw.Tests.FullText;

public sealed class PorterStemmerTests
{
    private static string Stem(string word)
    {
        char[] buffer = word.ToCharArray();
        return new string(buffer, 0, PorterStemmer.Stem(buffer));
    }

    /// <summary>The examples of Porter (1980), run through the whole algorithm (not just their own step).</summary>
    [Theory]
    [InlineData("caresses", "caress")]
    [InlineData("ponies", "poni")]
    [InlineData("ties", "ti")]
    [InlineData("caress", "caress")]
    [InlineData("cats", "cat")]
    [InlineData("feed", "feed")]
    [InlineData("agreed", "agre")]
    [InlineData("plastered", "plaster")]
    [InlineData("bled", "bled")]
    [InlineData("motoring", "motor")]
    [InlineData("sing", "sing")]
    [InlineData("conflated", "conflat")]
    [InlineData("troubled", "troubl")]
    [InlineData("sized", "size")]
    [InlineData("hopping", "hop")]
    [InlineData("tanned", "tan")]
    [InlineData("falling", "fall")]
    [InlineData("hissing", "hiss")]
    [InlineData("fizzed", "fizz")]
    [InlineData("failing", "fail")]
    [InlineData("filing", "file")]
    [InlineData("happy", "happi")]
    [InlineData("sky", "sky")]
    [InlineData("relational", "relat")]
    [InlineData("conditional", "condit")]
    [InlineData("rational", "ration")]
    [InlineData("generalization", "gener")]
    [InlineData("vietnamization", "vietnam")]
    [InlineData("predication", "predic")]
    [InlineData("operator", "oper")]
    [InlineData("feudalism", "feudal")]
    [InlineData("decisiveness", "decis")]
    [InlineData("hopefulness", "hope")]
    [InlineData("callousness", "callous")]
    [InlineData("sensitiviti", "sensit")]
    [InlineData("sensibiliti", "sensibl")]
    [InlineData("triplicate", "triplic")]
    [InlineData("formative", "form")]
    [InlineData("formalize", "formal")]
    [InlineData("electriciti", "electr")]
    [InlineData("electrical", "electr")]
    [InlineData("hopeful", "hope")]
    [InlineData("goodness", "good")]
    [InlineData("revival", "reviv")]
    [InlineData("allowance", "allow")]
    [InlineData("inference", "infer")]
    [InlineData("airliner", "airlin")]
    [InlineData("gyroscopic", "gyroscop")]
    [InlineData("adjustable", "adjust")]
    [InlineData("defensible", "defens")]
    [InlineData("irritant", "irrit")]
    [InlineData("replacement", "replac")]
    [InlineData("adjustment", "adjust")]
    [InlineData("dependent", "depend")]
    [InlineData("adoption", "adopt")]
    [InlineData("homologous", "homolog")]
    [InlineData("communism", "commun")]
    [InlineData("activate", "activ")]
    [InlineData("angulariti", "angular")]
    [InlineData("effective", "effect")]
    [InlineData("bowdlerize", "bowdler")]
    [InlineData("probate", "probat")]
    [InlineData("rate", "rate")]
    [InlineData("cease", "ceas")]
    [InlineData("controll", "control")]
    [InlineData("roll", "roll")]
    public void Stem_PaperExamples_MatchPorter1980(string word, string expected) => Assert.Equal(expected, Stem(word));

    /// <summary>
    /// Consecutive pairs from the start of Martin Porter's published sample vocabulary and its stemmed output
    /// (voc.txt / output.txt), plus words that exercise the reference implementation's two departures
    /// (bli → ble, logi → log).
    /// </summary>
    [Fact]
    public void Stem_PublishedVocabularySample_MatchesPublishedOutput()
    {
        string[] vocabulary =
        [
            "a", "aaron", "abaissiez", "abandon", "abandoned", "abase", "abash", "abate", "abated", "abatement",
            "abatements", "abates", "abbess", "abbey", "abbeys", "abbominable", "abbot", "abbots", "abbreviated", "abed",
            "abel", "aberga", "abergavenny", "abet", "abetting", "abhominable", "abhor", "abhorr", "abhorred",
            "abhorring", "abhors", "abhorson", "abide", "abides", "abilities", "ability", "abject", "abjectly",
            "abjects", "abjur", "abjure", "able", "abler", "aboard", "abode", "aboded", "abodements", "aboding",
            "abominable", "abominably", "abominations", "abortive", "abortives", "abound", "abounding", "about",
            "above", "abr", "abraham", "abram", "abreast", "abridg", "abridge", "abridged", "abridgment", "abroach",
            "abroad", "abrogate", "abrook", "abrupt", "abruption", "abruptly", "absence", "absent", "absey",
            "absolute", "absolutely", "absolv", "absolver", "abstains", "abstemious", "abstinence", "abstract",
            "absurd", "absyrtus", "abundance", "abundant", "abundantly", "abus", "abuse", "abused", "abuser",
            "abuses", "abusing", "abutting", "aby", "abysm", "ac", "academe", "academes", "accent", "accents",
            "accept", "acceptable", "acceptance", "accepted", "accepts", "access", "accessary", "accessible",
            "accidence", "accident", "accidental", "accidentally", "accidents",
            "assembly", "assemblies", "apology", "baked", "bating", "agreement", "agreeing", "beautiful", "beautify",
            "apparently", "antiquity", "archbishopric", "arithmetic",
        ];
        string[] output =
        [
            "a", "aaron", "abaissiez", "abandon", "abandon", "abas", "abash", "abat", "abat", "abat",
            "abat", "abat", "abbess", "abbei", "abbei", "abbomin", "abbot", "abbot", "abbrevi", "ab",
            "abel", "aberga", "abergavenni", "abet", "abet", "abhomin", "abhor", "abhorr", "abhor",
            "abhor", "abhor", "abhorson", "abid", "abid", "abil", "abil", "abject", "abjectli",
            "abject", "abjur", "abjur", "abl", "abler", "aboard", "abod", "abod", "abod", "abod",
            "abomin", "abomin", "abomin", "abort", "abort", "abound", "abound", "about",
            "abov", "abr", "abraham", "abram", "abreast", "abridg", "abridg", "abridg", "abridg", "abroach",
            "abroad", "abrog", "abrook", "abrupt", "abrupt", "abruptli", "absenc", "absent", "absei",
            "absolut", "absolut", "absolv", "absolv", "abstain", "abstemi", "abstin", "abstract",
            "absurd", "absyrtu", "abund", "abund", "abundantli", "abu", "abus", "abus", "abus",
            "abus", "abus", "abut", "abi", "abysm", "ac", "academ", "academ", "accent", "accent",
            "accept", "accept", "accept", "accept", "accept", "access", "accessari", "access",
            "accid", "accid", "accident", "accident", "accid",
            "assembl", "assembl", "apolog", "bake", "bate", "agreement", "agre", "beauti", "beautifi",
            "appar", "antiqu", "archbishopr", "arithmet",
        ];
        Assert.Equal(vocabulary.Length, output.Length);

        var mismatches = new List<string>();
        for (int i = 0; i < vocabulary.Length; i++)
        {
            string actual = Stem(vocabulary[i]);
            if (actual != output[i])
            {
                mismatches.Add($"{vocabulary[i]} -> {actual}, expected {output[i]}");
            }
        }

        Assert.Empty(mismatches);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("is")]
    [InlineData("as")]
    public void Stem_OneOrTwoLetters_Unchanged(string word) => Assert.Equal(word, Stem(word));

    [Fact]
    public void Stem_RandomLowercaseWords_NeverGrowsNorThrows()
    {
        var random = new Random(1980);
        for (int n = 0; n < 20_000; n++)
        {
            char[] word = new char[random.Next(0, 16)];
            for (int i = 0; i < word.Length; i++)
            {
                word[i] = "aeiouybcdlstzgnmrw"[random.Next(18)];
            }

            int length = PorterStemmer.Stem(word);
            Assert.InRange(length, Math.Min(word.Length, 1), word.Length);
        }
    }
}
