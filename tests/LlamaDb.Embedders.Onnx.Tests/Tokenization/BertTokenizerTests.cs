using System.Text;
using LlamaDb.Embedders.Onnx.Tokenization;
using static LlamaDb.Embedders.Onnx.Tests.Tokenization.ReferenceData;

namespace LlamaDb.Embedders.Onnx.Tests.Tokenization;

public sealed class BertTokenizerTests
{
    private static BertTokenizer MiniLmTokenizer => Tokenizer(MiniLm, "vocab.txt");

    private static string MiniLmVocab => Path.Combine(TestPaths.Models(MiniLm), "vocab.txt");

    [Fact]
    public void Encode_NullText_ThrowsArgumentNullException()
    {
        BertTokenizer tokenizer = MiniLmTokenizer;

        Assert.Equal("text", Assert.Throws<ArgumentNullException>(() => tokenizer.Encode(null!)).ParamName);
        Assert.Equal("text", Assert.Throws<ArgumentNullException>(() => tokenizer.CountTokens(null!)).ParamName);
        Assert.Equal("text", Assert.Throws<ArgumentNullException>(() => tokenizer.Tokenize(null!)).ParamName);
        Assert.Equal("first", Assert.Throws<ArgumentNullException>(() => tokenizer.EncodePair(null!, "b")).ParamName);
        Assert.Equal("second", Assert.Throws<ArgumentNullException>(() => tokenizer.EncodePair("a", null!)).ParamName);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-5)]
    public void Encode_MaxLengthBelowTwo_ThrowsArgumentOutOfRange(int maxLength)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => MiniLmTokenizer.Encode("hello", maxLength));

        Assert.Equal("maxLength", exception.ParamName);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0)]
    public void EncodePair_MaxLengthBelowThree_ThrowsArgumentOutOfRange(int maxLength)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => MiniLmTokenizer.EncodePair("a", "b", maxLength));

        Assert.Equal("maxLength", exception.ParamName);
    }

    [Fact]
    public void Encode_MaxLengthTwo_ReturnsOnlyClsAndSep()
    {
        BertTokenizer tokenizer = MiniLmTokenizer;

        TokenizedText encoded = tokenizer.Encode("hello world", 2);

        Assert.Equal([tokenizer.ClsId, tokenizer.SepId], encoded.InputIds);
        Assert.True(encoded.Truncated);
        Assert.Equal(4, encoded.UntruncatedLength);
    }

    [Fact]
    public void EncodePair_MaxLengthThree_ReturnsOnlySpecialTokens()
    {
        BertTokenizer tokenizer = MiniLmTokenizer;

        TokenizedText encoded = tokenizer.EncodePair("hello", "world", 3);

        Assert.Equal([tokenizer.ClsId, tokenizer.SepId, tokenizer.SepId], encoded.InputIds);
        Assert.Equal([0, 0, 1], encoded.TokenTypeIds);
        Assert.True(encoded.Truncated);
        Assert.Equal(5, encoded.UntruncatedLength);
    }

    // The table of truncate_encodings_longest_first in Hugging Face tokenizers/src/utils/truncation.rs (max_length 7).
    [Theory]
    [InlineData(0, 0, 0, 0)]
    [InlineData(0, 2, 0, 2)]
    [InlineData(0, 4, 0, 4)]
    [InlineData(0, 8, 0, 7)]
    [InlineData(2, 0, 2, 0)]
    [InlineData(2, 2, 2, 2)]
    [InlineData(2, 4, 2, 4)]
    [InlineData(2, 8, 2, 5)]
    [InlineData(4, 0, 4, 0)]
    [InlineData(4, 2, 4, 2)]
    [InlineData(4, 4, 3, 4)]
    [InlineData(4, 8, 3, 4)]
    [InlineData(8, 0, 7, 0)]
    [InlineData(8, 2, 5, 2)]
    [InlineData(8, 4, 4, 3)]
    [InlineData(8, 8, 3, 4)]
    public void LongestFirst_RustTokenizersTable_KeepsSameLengths(int first, int second, int keepFirst, int keepSecond)
    {
        Assert.Equal((keepFirst, keepSecond), BertTokenizer.LongestFirst(first, second, 7));
    }

    [Fact]
    public void EncodePair_EqualLengthsOddBudget_SecondKeepsTheOddPiece()
    {
        BertTokenizer tokenizer = MiniLmTokenizer;
        const string Text = "one two three four five six";

        // 6 + 6 pieces, budget 12 - 3 = 9: the first keeps 4, the second 5 (Rust LongestFirst).
        TokenizedText encoded = tokenizer.EncodePair(Text, Text, 12);

        Assert.Equal(12, encoded.Length);
        int[] pieces = tokenizer.Encode(Text).InputIds[1..^1];
        Assert.Equal([tokenizer.ClsId, .. pieces[..4], tokenizer.SepId, .. pieces[..5], tokenizer.SepId], encoded.InputIds);
        Assert.Equal([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1], encoded.TokenTypeIds);
    }

    [Fact]
    public void Encode_OneMegabyteOfText_TokenizesWholeTextAndTruncates()
    {
        BertTokenizer tokenizer = MiniLmTokenizer;
        var builder = new StringBuilder(1 << 20);
        string[] words = ["Hello,", "wörld", "unaffable", "中文", "don't", "🙂", "[SEP]", "résumé\t", "e-mail\n"];
        int wordCount = 0;
        while (builder.Length < 1 << 20)
        {
            builder.Append(words[wordCount % words.Length]).Append(' ');
            wordCount++;
        }

        string text = builder.ToString();
        int repeats = wordCount / words.Length;
        int perRepeat = tokenizer.CountTokens(string.Join(' ', words)) - 2;

        TokenizedText full = tokenizer.Encode(text);
        TokenizedText truncated = tokenizer.Encode(text, 512);

        Assert.True(full.Length >= repeats * perRepeat);
        Assert.Equal(full.Length, tokenizer.CountTokens(text));
        Assert.Equal(512, truncated.Length);
        Assert.Equal(full.InputIds[..511], truncated.InputIds[..511]);
        Assert.Equal(tokenizer.SepId, truncated.InputIds[^1]);
        Assert.Equal(full.Length, truncated.UntruncatedLength);
    }

    [Fact]
    public void Encode_OneMegabyteWithoutSpaces_IsOneUnknownTokenOrOnePiecePerPunctuation()
    {
        BertTokenizer tokenizer = MiniLmTokenizer;

        Assert.Equal([tokenizer.ClsId, tokenizer.UnknownId, tokenizer.SepId], tokenizer.Encode(new string('a', 1 << 20)).InputIds);
        Assert.Equal((1 << 20) + 2, tokenizer.CountTokens(new string('!', 1 << 20)));
    }

    [Fact]
    public void Encode_LoneSurrogatesAndControlCharacters_AreDroppedWithoutThrowing()
    {
        BertTokenizer tokenizer = MiniLmTokenizer;

        Assert.Equal(tokenizer.Tokenize("hello world"), tokenizer.Tokenize("hel\uD800lo\u0000 \u200Bwor\uDC00ld\u0007\u001F\uFFFD"));
        Assert.Equal(["[UNK]"], tokenizer.Tokenize("\uD83D\uDE00"));
        Assert.Empty(tokenizer.Tokenize("\uDE00\uD83D\uD800\uDBFF\u0000\u0001\u200D\uFEFF"));
        Assert.Equal(["a", "b"], tokenizer.Tokenize("a\u2028b\u3000\u00A0\u0085"));
    }

    [Fact]
    public void Encode_LoneSurrogatesWithCleanTextOff_BecomeReplacementCharacter()
    {
        BertTokenizer tokenizer = BertTokenizer.FromVocabFile(MiniLmVocab, new BertTokenizerOptions { CleanText = false });

        Assert.Equal(["[UNK]"], tokenizer.Tokenize("\uD800"));
        Assert.Equal(["[UNK]"], tokenizer.Tokenize("a\u0000b"));
        Assert.Equal(["a", "b"], tokenizer.Tokenize("a\u000Bb"));
    }

    [Fact]
    public void Encode_SpecialTokensInsideWords_AreMatchedBeforeNormalization()
    {
        BertTokenizer tokenizer = MiniLmTokenizer;

        Assert.Equal(["a", "[SEP]", "b", "[PAD]", "[UNK]"], tokenizer.Tokenize("a[SEP]b[PAD][UNK]"));
        Assert.Equal(["[", "sep", "]"], tokenizer.Tokenize("[sep]"));
        Assert.Equal(["[", "cl", "[SEP]"], tokenizer.Tokenize("[CL[SEP]"));
    }

    [Fact]
    public void Encode_AdditionalSpecialTokens_AreMatchedLiterally()
    {
        var options = new BertTokenizerOptions();
        options.AdditionalSpecialTokens.Add("[unused1]");
        BertTokenizer tokenizer = BertTokenizer.FromVocabFile(MiniLmVocab, options);

        Assert.Equal(["x", "[unused1]", "y"], tokenizer.Tokenize("x[unused1]y"));
        Assert.NotEqual(["[unused1]"], MiniLmTokenizer.Tokenize("[unused1]"));
    }

    [Fact]
    public void Encode_AdditionalSpecialTokenNotInVocabulary_ThrowsInvalidData()
    {
        var options = new BertTokenizerOptions();
        options.AdditionalSpecialTokens.Add("<not-there>");

        Assert.Throws<InvalidDataException>(() => BertTokenizer.FromVocabFile(MiniLmVocab, options));
    }

    [Fact]
    public void Options_StripAccentsOffWithLowerCase_KeepsAccents()
    {
        BertTokenizer tokenizer = BertTokenizer.FromVocabFile(MiniLmVocab, new BertTokenizerOptions { StripAccents = false });

        Assert.Equal(["resume"], MiniLmTokenizer.Tokenize("RÉSUMÉ"));
        Assert.Equal(["[UNK]"], tokenizer.Tokenize("RÉSUMÉ"));
        Assert.Equal(["hello"], tokenizer.Tokenize("HELLO"));
    }

    [Fact]
    public void Options_LowerCaseOff_KeepsCaseAndAccents()
    {
        BertTokenizer tokenizer = BertTokenizer.FromVocabFile(MiniLmVocab, new BertTokenizerOptions { LowerCase = false });

        Assert.Equal(["[UNK]"], tokenizer.Tokenize("Hello"));
        Assert.Equal(["hello"], tokenizer.Tokenize("hello"));
        Assert.Equal(["[UNK]"], tokenizer.Tokenize("café"));
    }

    [Fact]
    public void Options_TokenizeChineseCharsOff_KeepsIdeographsInOneWord()
    {
        BertTokenizer tokenizer = BertTokenizer.FromVocabFile(MiniLmVocab, new BertTokenizerOptions { TokenizeChineseChars = false });

        Assert.Equal(["中", "文"], MiniLmTokenizer.Tokenize("中文"));
        Assert.Equal(["中", "##文"], tokenizer.Tokenize("中文"));
    }

    [Fact]
    public void Options_MaxInputCharsPerWord_CountsCodePointsNotUtf16Units()
    {
        string folder = CreateTempFolder();
        try
        {
            string vocab = Path.Combine(folder, "vocab.txt");
            File.WriteAllLines(vocab, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "𝐀", "##𝐀", "b", "##b"]);
            BertTokenizer three = BertTokenizer.FromVocabFile(vocab, new BertTokenizerOptions { MaxInputCharsPerWord = 3 });
            BertTokenizer two = BertTokenizer.FromVocabFile(vocab, new BertTokenizerOptions { MaxInputCharsPerWord = 2 });

            Assert.Equal(["𝐀", "##𝐀", "##𝐀"], three.Tokenize("𝐀𝐀𝐀"));
            Assert.Equal(["[UNK]"], two.Tokenize("𝐀𝐀𝐀"));
            Assert.Equal(["b", "##𝐀", "##b"], three.Tokenize("b𝐀b"));
            Assert.Equal(["[UNK]"], three.Tokenize("b𝐀c"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Options_ChangedAfterConstruction_DoNotAffectTokenizer()
    {
        var options = new BertTokenizerOptions();
        BertTokenizer tokenizer = BertTokenizer.FromVocabFile(MiniLmVocab, options);

        options.LowerCase = false;
        tokenizer.Options.LowerCase = false;

        Assert.Equal(["hello"], tokenizer.Tokenize("HELLO"));
    }

    [Fact]
    public void Options_InvalidValues_ThrowNamingTheOption()
    {
        var zero = new BertTokenizerOptions { MaxInputCharsPerWord = 0 };
        var empty = new BertTokenizerOptions { UnknownToken = "" };

        Assert.Equal("MaxInputCharsPerWord",
            Assert.Throws<ArgumentOutOfRangeException>(() => BertTokenizer.FromVocabFile(MiniLmVocab, zero)).ParamName);
        Assert.Equal("UnknownToken",
            Assert.Throws<ArgumentException>(() => BertTokenizer.FromVocabFile(MiniLmVocab, empty)).ParamName);
    }

    [Fact]
    public void Options_SpecialTokenMissingFromVocabulary_ThrowsInvalidData()
    {
        var options = new BertTokenizerOptions { ClsToken = "<s>" };

        Assert.Throws<InvalidDataException>(() => BertTokenizer.FromVocabFile(MiniLmVocab, options));
    }

    [Fact]
    public void Ids_MiniLmVocabulary_AreTheStandardBertIds()
    {
        BertTokenizer tokenizer = MiniLmTokenizer;

        Assert.Equal(30522, tokenizer.VocabularySize);
        Assert.Equal((101, 102, 0, 100, 103), (tokenizer.ClsId, tokenizer.SepId, tokenizer.PadId, tokenizer.UnknownId, tokenizer.MaskId));
        Assert.True(tokenizer.TryGetId("##ing", out int ing));
        Assert.Equal("##ing", tokenizer.GetToken(ing));
        Assert.False(tokenizer.TryGetId("ing##", out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.GetToken(30522));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.GetToken(-1));
        Assert.Null(tokenizer.ModelMaxLength);
    }

    [Fact]
    public void FromVocabFile_DuplicateLinesAndTrailingWhitespace_LastIdWinsAndTokensAreTrimmed()
    {
        string folder = CreateTempFolder();
        try
        {
            string vocab = Path.Combine(folder, "vocab.txt");
            File.WriteAllText(vocab, "[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\n[MASK]\r\nab \r\nab\r\n");
            BertTokenizer tokenizer = BertTokenizer.FromVocabFile(vocab);

            Assert.Equal(7, tokenizer.VocabularySize);
            Assert.Equal([2, 6, 3], tokenizer.Encode("AB").InputIds);
            Assert.Equal("ab", tokenizer.GetToken(5));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void FromDirectory_MiniLmFolder_ReadsConfigAndModelMaxLength()
    {
        BertTokenizer tokenizer = BertTokenizer.FromDirectory(TestPaths.Models(MiniLm));

        Assert.Equal(512, tokenizer.ModelMaxLength);
        Assert.True(tokenizer.Options.LowerCase);
        Assert.Null(tokenizer.Options.StripAccents);
        Assert.Equal("[CLS]", tokenizer.Options.ClsToken);
    }

    [Fact]
    public void FromDirectory_TokenizerJsonOnlyWithConfigFlagsAndHugeMaxLength_UsesConfigAndIgnoresSentinel()
    {
        string folder = CreateTempFolder();
        try
        {
            File.Copy(Path.Combine(TestPaths.Models(MiniLm), "tokenizer.json"), Path.Combine(folder, "tokenizer.json"));
            File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"),
                """{"do_lower_case": false, "model_max_length": 1000000000000000019884624838656, "cls_token": {"content": "[CLS]"}}""");
            BertTokenizer tokenizer = BertTokenizer.FromDirectory(folder);

            Assert.Null(tokenizer.ModelMaxLength);
            Assert.False(tokenizer.Options.LowerCase);
            Assert.Equal(["[UNK]"], tokenizer.Tokenize("Hello"));
            Assert.Equal(30522, tokenizer.VocabularySize);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void FromDirectory_WithoutConfig_TakesFlagsFromTokenizerJsonNormalizer()
    {
        string folder = CreateTempFolder();
        try
        {
            string json = File.ReadAllText(Path.Combine(TestPaths.Models(MiniLm), "tokenizer.json"))
                .Replace("\"lowercase\": true", "\"lowercase\": false", StringComparison.Ordinal)
                .Replace("\"lowercase\":true", "\"lowercase\":false", StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(folder, "tokenizer.json"), json);
            File.WriteAllText(Path.Combine(folder, "special_tokens_map.json"), """{"mask_token": "[unused0]"}""");
            BertTokenizer tokenizer = BertTokenizer.FromDirectory(folder);

            Assert.False(tokenizer.Options.LowerCase);
            Assert.Null(tokenizer.ModelMaxLength);
            Assert.Equal(1, tokenizer.MaskId);
            Assert.Equal(["[unused0]", "[MASK]"], tokenizer.Tokenize("[unused0][MASK]"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void FromDirectory_NoVocabulary_ThrowsFileNotFound()
    {
        string folder = CreateTempFolder();
        try
        {
            Assert.Throws<FileNotFoundException>(() => BertTokenizer.FromDirectory(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void FromTokenizerJson_NotWordPiece_ThrowsInvalidData()
    {
        string folder = CreateTempFolder();
        try
        {
            string path = Path.Combine(folder, "tokenizer.json");
            File.WriteAllText(path, """{"model": {"type": "BPE", "vocab": {}, "merges": []}}""");

            Assert.Throws<InvalidDataException>(() => BertTokenizer.FromTokenizerJson(path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Encode_ConcurrentCalls_MatchSequentialResults()
    {
        BertTokenizer tokenizer = MiniLmTokenizer;
        string longText = Reference(MiniLm).GetProperty("tokenizer").GetProperty("long_600_words").GetProperty("text").GetString()!;
        string[] texts = ["naïve café — résumé", "中文分词测试", "Hello, world!", longText, "emoji 🙂 ok", "[CLS] x [SEP]"];
        int[][] expected = [.. texts.Select(t => tokenizer.Encode(t, 256).InputIds)];
        var results = new int[texts.Length * 64][];

        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            i => results[i] = tokenizer.Encode(texts[i % texts.Length], 256).InputIds);

        for (int i = 0; i < results.Length; i++)
        {
            Assert.Equal(expected[i % texts.Length], results[i]);
        }
    }

    [Fact]
    public void Encode_UnicodeEdgeCases_FollowRustBertNormalizer()
    {
        BertTokenizer tokenizer = MiniLmTokenizer;

        // U+037E GREEK QUESTION MARK decomposes (NFD) to ';', which is punctuation.
        Assert.Equal(["a", ";", "b"], tokenizer.Tokenize("a\u037Eb"));

        // A combining mark after a space is stripped; precomposed and decomposed forms agree.
        Assert.Equal(tokenizer.Tokenize("cafe"), tokenizer.Tokenize("cafe\u0301"));
        Assert.Equal(tokenizer.Tokenize("café"), tokenizer.Tokenize("cafe\u0301"));
        Assert.Equal(["abc"], tokenizer.Tokenize("\u0301abc"));

        // İ: NFD then strip gives I, then lowercase gives i.
        Assert.Equal(["i"], tokenizer.Tokenize("\u0130"));
    }

    private static string CreateTempFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "llamadb-tok-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }
}
