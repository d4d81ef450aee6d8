using System.Text.Json;
using LlamaDb.Embedders.Onnx.Tokenization;
using static LlamaDb.Embedders.Onnx.Tests.Tokenization.ReferenceData;

namespace LlamaDb.Embedders.Onnx.Tests.Tokenization;

/// <summary>Golden tests against the Hugging Face ids recorded in <c>shared/models/*/reference.json</c>.</summary>
public sealed class BertTokenizerGoldenTests
{
    public static TheoryData<string> AllLoaders => Loaders;

    [Theory]
    [MemberData(nameof(AllLoaders))]
    public void Encode_ReferenceStrings_MatchHuggingFaceIdsTokensAndTypes(string loader)
    {
        BertTokenizer tokenizer = Tokenizer(MiniLm, loader);
        JsonElement reference = Reference(MiniLm).GetProperty("tokenizer");
        var failures = new List<string>();
        int cases = 0;
        foreach (string section in new[] { "single_sentences", "published_examples", "tricky_strings" })
        {
            foreach (JsonElement item in reference.GetProperty(section).EnumerateArray())
            {
                cases++;
                string text = item.GetProperty("text").GetString()!; // present in every case
                int[] expectedIds = Ints(item.GetProperty("input_ids"));
                string[] expectedTokens = Strings(item.GetProperty("tokens"));
                TokenizedText encoded = tokenizer.Encode(text);
                if (!encoded.InputIds.AsSpan().SequenceEqual(expectedIds))
                {
                    failures.Add($"{section} '{text}': ids {Show(encoded.InputIds)} != {Show(expectedIds)}");
                }

                if (!encoded.TokenTypeIds.AsSpan().SequenceEqual(Ints(item.GetProperty("token_type_ids"))))
                {
                    failures.Add($"{section} '{text}': token types differ");
                }

                if (Ints(item.GetProperty("attention_mask")).Length != encoded.Length || encoded.Truncated)
                {
                    failures.Add($"{section} '{text}': length or truncation flag wrong");
                }

                IReadOnlyList<string> tokens = tokenizer.Tokenize(text);
                if (!tokens.SequenceEqual(expectedTokens))
                {
                    failures.Add($"{section} '{text}': tokens [{string.Join(" ", tokens)}] != [{string.Join(" ", expectedTokens)}]");
                }

                if (tokenizer.CountTokens(text) != expectedIds.Length || encoded.UntruncatedLength != expectedIds.Length)
                {
                    failures.Add($"{section} '{text}': count {tokenizer.CountTokens(text)} != {expectedIds.Length}");
                }
            }
        }

        Assert.Equal(24, cases);
        Assert.Empty(failures);
    }

    [Theory]
    [MemberData(nameof(AllLoaders))]
    public void Encode_LiteralSpecialTokensWithMatchingOff_MatchPlainWordPieceIds(string loader)
    {
        JsonElement reference = Reference(MiniLm).GetProperty("tokenizer").GetProperty("literal_special_tokens_plain_wordpiece_ids");
        string folder = TestPaths.Models(MiniLm);
        var options = new BertTokenizerOptions { MatchSpecialTokensInText = false };
        BertTokenizer tokenizer = loader switch
        {
            "vocab.txt" => BertTokenizer.FromVocabFile(Path.Combine(folder, "vocab.txt"), options),
            "tokenizer.json" => BertTokenizer.FromTokenizerJson(Path.Combine(folder, "tokenizer.json"), options),
            _ => BertTokenizer.FromVocabFile(Path.Combine(folder, "vocab.txt"), options),
        };

        int[] ids = tokenizer.Encode(reference.GetProperty("text").GetString()!).InputIds; // text is present

        Assert.Equal(Ints(reference.GetProperty("input_ids")), ids);
    }

    [Theory]
    [MemberData(nameof(AllLoaders))]
    public void Encode_LongText_MatchesUntruncatedAndTruncatedReferences(string loader)
    {
        BertTokenizer tokenizer = Tokenizer(MiniLm, loader);
        JsonElement reference = Reference(MiniLm).GetProperty("tokenizer").GetProperty("long_600_words");
        string text = reference.GetProperty("text").GetString()!; // present in the reference
        int[] untruncated = Ints(reference.GetProperty("untruncated_input_ids"));

        TokenizedText full = tokenizer.Encode(text);
        TokenizedText at256 = tokenizer.Encode(text, 256);
        TokenizedText at512 = tokenizer.Encode(text, 512);

        Assert.Equal(reference.GetProperty("untruncated_length").GetInt32(), untruncated.Length);
        Assert.Equal(untruncated, full.InputIds);
        Assert.False(full.Truncated);
        Assert.Equal(untruncated.Length, tokenizer.CountTokens(text));
        Assert.Equal(Ints(reference.GetProperty("truncated_256").GetProperty("input_ids")), at256.InputIds);
        Assert.Equal(Ints(reference.GetProperty("truncated_256").GetProperty("token_type_ids")), at256.TokenTypeIds);
        Assert.Equal(Ints(reference.GetProperty("truncated_512").GetProperty("input_ids")), at512.InputIds);
        Assert.True(at256.Truncated);
        Assert.True(at512.Truncated);
        Assert.Equal(untruncated.Length, at256.UntruncatedLength);
        Assert.Equal(untruncated.Length, at512.UntruncatedLength);
    }

    [Theory]
    [MemberData(nameof(AllLoaders))]
    public void Encode_PaddedBatch_MatchesReferenceBatch(string loader)
    {
        BertTokenizer tokenizer = Tokenizer(MiniLm, loader);
        JsonElement batch = Reference(MiniLm).GetProperty("tokenizer").GetProperty("padded_batch_of_single_sentences");
        AssertPaddedBatch(tokenizer, Strings(batch.GetProperty("texts")), batch);
    }

    [Fact]
    public void FromDirectory_SyntheticEmbedderFolder_MatchesItsPaddedBatch()
    {
        BertTokenizer tokenizer = BertTokenizer.FromDirectory(TestPaths.Models("synthetic-embedder-tiny"));
        JsonElement reference = Reference("synthetic-embedder-tiny");

        Assert.Equal(512, tokenizer.ModelMaxLength);
        Assert.Equal(reference.GetProperty("architecture").GetProperty("vocab").GetInt32(), tokenizer.VocabularySize);
        AssertPaddedBatch(tokenizer, Strings(reference.GetProperty("texts")), reference);
    }

    [Theory]
    [MemberData(nameof(AllLoaders))]
    public void EncodePair_ReferencePairs_MatchIdsAndTokenTypes(string loader)
    {
        BertTokenizer tokenizer = Tokenizer(MsMarco, loader);
        var failures = new List<string>();
        foreach (JsonElement pair in Reference(MsMarco).GetProperty("pairs").EnumerateArray())
        {
            string query = pair.GetProperty("query").GetString()!; // present in every pair
            string passage = pair.GetProperty("passage").GetString()!;
            TokenizedText encoded = tokenizer.EncodePair(query, passage);
            if (!encoded.InputIds.AsSpan().SequenceEqual(Ints(pair.GetProperty("input_ids")))
                || !encoded.TokenTypeIds.AsSpan().SequenceEqual(Ints(pair.GetProperty("token_type_ids"))))
            {
                failures.Add($"'{query}' / '{passage}': {Show(encoded.InputIds)} types {Show(encoded.TokenTypeIds)}");
            }
        }

        Assert.Empty(failures);
    }

    [Theory]
    [MemberData(nameof(AllLoaders))]
    public void EncodePair_LongPassageAt128_KeepsQueryAndCutsPassage(string loader)
    {
        BertTokenizer tokenizer = Tokenizer(MsMarco, loader);
        JsonElement reference = Reference(MsMarco).GetProperty("pair_long_passage_truncated_128");
        string query = reference.GetProperty("query").GetString()!; // present in the reference
        string passage = Reference(MiniLm).GetProperty("tokenizer").GetProperty("long_600_words").GetProperty("text").GetString()!;

        TokenizedText encoded = tokenizer.EncodePair(query, passage, 128);

        Assert.Equal(Ints(reference.GetProperty("input_ids")), encoded.InputIds);
        Assert.Equal(Ints(reference.GetProperty("token_type_ids")), encoded.TokenTypeIds);
        Assert.True(encoded.Truncated);
        Assert.Equal(tokenizer.CountTokens(query) + tokenizer.CountTokens(passage) - 1, encoded.UntruncatedLength);
    }

    [Fact]
    public void EncodePair_SyntheticCrossEncoderFolder_MatchesItsPaddedBatch()
    {
        BertTokenizer tokenizer = BertTokenizer.FromDirectory(TestPaths.Models("synthetic-crossencoder-tiny"));
        JsonElement reference = Reference("synthetic-crossencoder-tiny");
        int width = reference.GetProperty("batch_dims")[1].GetInt32();
        int[] expectedIds = Ints(reference.GetProperty("input_ids"));
        int[] expectedTypes = Ints(reference.GetProperty("token_type_ids"));
        int[] expectedMask = Ints(reference.GetProperty("attention_mask"));
        int row = 0;
        foreach (JsonElement pair in reference.GetProperty("pairs").EnumerateArray())
        {
            TokenizedText encoded = tokenizer.EncodePair(pair[0].GetString()!, pair[1].GetString()!); // pairs of strings
            for (int column = 0; column < width; column++)
            {
                int index = (row * width) + column;
                bool real = column < encoded.Length;
                Assert.Equal(expectedIds[index], real ? encoded.InputIds[column] : tokenizer.PadId);
                Assert.Equal(expectedTypes[index], real ? encoded.TokenTypeIds[column] : 0);
                Assert.Equal(expectedMask[index], real ? 1 : 0);
            }

            row++;
        }
    }

    private static void AssertPaddedBatch(BertTokenizer tokenizer, string[] texts, JsonElement batch)
    {
        JsonElement dims = batch.TryGetProperty("dims", out JsonElement d) ? d : batch.GetProperty("batch_dims");
        int width = dims[1].GetInt32();
        int[] expectedIds = Ints(batch.GetProperty("input_ids"));
        int[] expectedMask = Ints(batch.GetProperty("attention_mask"));
        int[] expectedTypes = Ints(batch.GetProperty("token_type_ids"));
        Assert.Equal(texts.Length * width, expectedIds.Length);
        for (int row = 0; row < texts.Length; row++)
        {
            TokenizedText encoded = tokenizer.Encode(texts[row]);
            Assert.True(encoded.Length <= width);
            for (int column = 0; column < width; column++)
            {
                int index = (row * width) + column;
                bool real = column < encoded.Length;
                Assert.Equal(expectedIds[index], real ? encoded.InputIds[column] : tokenizer.PadId);
                Assert.Equal(expectedMask[index], real ? 1 : 0);
                Assert.Equal(expectedTypes[index], real ? encoded.TokenTypeIds[column] : 0);
            }
        }
    }
}
