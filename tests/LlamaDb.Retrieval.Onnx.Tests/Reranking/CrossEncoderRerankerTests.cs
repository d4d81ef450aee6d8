using System.Text.Json;
using LlamaDb.Embedders.Onnx;
using LlamaDb.Embedders.Onnx.Tokenization;
using Microsoft.Extensions.DependencyInjection;

namespace LlamaDb.Retrieval.Onnx.Tests.Reranking;

public sealed class CrossEncoderRerankerTests : IClassFixture<CrossEncoderRerankerTests.TinyCrossEncoder>
{
    private readonly TinyCrossEncoder _fixture;

    public CrossEncoderRerankerTests(TinyCrossEncoder fixture) => _fixture = fixture;

    /// <summary>One loaded reranker shared by the tests (loading is the slow part).</summary>
    public sealed class TinyCrossEncoder : IDisposable
    {
        public TinyCrossEncoder()
        {
            Data = Reference.Load(Reference.SyntheticCrossEncoder);
            Pairs = Reference.SyntheticPairs();
            Reranker = new CrossEncoderReranker(Folder, Options());
        }

        public static string Folder => TestPaths.Models(Reference.SyntheticCrossEncoder);

        public JsonElement Data { get; }

        public (string Query, string Passage)[] Pairs { get; }

        public CrossEncoderReranker Reranker { get; }

        public double[] ExpectedLogits => Reference.Doubles(Data.GetProperty("logits_batch"));

        public static CrossEncoderRerankerOptions Options() => new() { Session = new OnnxSessionOptions { IntraOpThreads = 2 } };

        public void Dispose() => Reranker.Dispose();
    }

    [Fact]
    public async Task ScoreAsync_ReferencePairsOneQuery_MatchLogitsWithin1e5()
    {
        // All four reference pairs share one query, so one batched call scores them all.
        string query = _fixture.Pairs[0].Query;
        Assert.All(_fixture.Pairs, pair => Assert.Equal(query, pair.Query));

        IReadOnlyList<double> scores = await _fixture.Reranker.ScoreAsync(query, [.. _fixture.Pairs.Select(p => p.Passage)]);

        Reference.AssertClose(_fixture.ExpectedLogits, scores, 1e-5);
    }

    [Fact]
    public async Task ScoreAsync_EachPairAlone_MatchesUnpaddedSingleRuns()
    {
        double[] expected = Reference.Doubles(_fixture.Data.GetProperty("logits_unpadded_single_runs"));
        var actual = new List<double>();
        foreach ((string query, string passage) in _fixture.Pairs)
        {
            actual.AddRange(await _fixture.Reranker.ScoreAsync(query, [passage]));
        }

        Reference.AssertClose(expected, actual, 1e-5);
    }

    [Fact]
    public async Task ScoreAsync_ReversedOrderAndBatchesOfOne_ScoresFollowTheDocuments()
    {
        string query = _fixture.Pairs[0].Query;
        string[] reversed = [.. _fixture.Pairs.Select(p => p.Passage).Reverse()];
        CrossEncoderRerankerOptions options = TinyCrossEncoder.Options();
        options.BatchSize = 1;
        using var reranker = new CrossEncoderReranker(TinyCrossEncoder.Folder, options);

        IReadOnlyList<double> scores = await reranker.ScoreAsync(query, reversed);

        Reference.AssertClose([.. _fixture.ExpectedLogits.Reverse()], scores, 1e-5);
    }

    [Fact]
    public async Task ScoreAsync_TokenBudgetSplitsBatches_SameScores()
    {
        // A budget of 40 padded tokens fits one reference pair (at most 34 tokens) per batch.
        CrossEncoderRerankerOptions options = TinyCrossEncoder.Options();
        options.MaxBatchTokens = 40;
        using var reranker = new CrossEncoderReranker(TinyCrossEncoder.Folder, options);

        IReadOnlyList<double> scores = await reranker.ScoreAsync(_fixture.Pairs[0].Query, [.. _fixture.Pairs.Select(p => p.Passage)]);

        Reference.AssertClose(_fixture.ExpectedLogits, scores, 1e-5);
    }

    [Fact]
    public async Task ScoreAsync_SigmoidOption_ReturnsSigmoidOfLogits()
    {
        CrossEncoderRerankerOptions options = TinyCrossEncoder.Options();
        options.Score = CrossEncoderScore.Sigmoid;
        using var reranker = new CrossEncoderReranker(TinyCrossEncoder.Folder, options);

        IReadOnlyList<double> scores = await reranker.ScoreAsync(_fixture.Pairs[0].Query, [.. _fixture.Pairs.Select(p => p.Passage)]);

        Assert.True(reranker.AppliesSigmoid);
        Reference.AssertClose([.. _fixture.ExpectedLogits.Select(l => 1 / (1 + Math.Exp(-l)))], scores, 1e-6);
    }

    [Fact]
    public void Auto_ConfigSaysIdentity_RawLogitsAndMaxLengthFromConfig()
    {
        Assert.False(_fixture.Reranker.AppliesSigmoid);
        Assert.Equal(512, _fixture.Reranker.MaxSequenceLength);
        Assert.Equal("logits", _fixture.Reranker.OutputName);
        Assert.Equal(Reference.SyntheticCrossEncoder, _fixture.Reranker.ModelId);
    }

    [Fact]
    public async Task Auto_ConfigSaysSigmoid_AppliesSigmoid()
    {
        string folder = CopyModelFolder(config => config.Replace("torch.nn.modules.linear.Identity", "torch.nn.modules.activation.Sigmoid", StringComparison.Ordinal));
        try
        {
            using var reranker = new CrossEncoderReranker(folder, TinyCrossEncoder.Options());

            IReadOnlyList<double> scores = await reranker.ScoreAsync(_fixture.Pairs[0].Query, [_fixture.Pairs[0].Passage]);

            Assert.True(reranker.AppliesSigmoid);
            Assert.Equal(1 / (1 + Math.Exp(-_fixture.ExpectedLogits[0])), scores[0], 1e-6);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ScoreAsync_PassageLongerThanMaxLength_TruncatesLongestFirst()
    {
        string longText = Reference.Load("all-MiniLM-L6-v2").GetProperty("tokenizer").GetProperty("long_600_words").GetProperty("text").GetString()!; // a string in the file
        CrossEncoderRerankerOptions options = TinyCrossEncoder.Options();
        options.MaxSequenceLength = 128;
        using var reranker = new CrossEncoderReranker(TinyCrossEncoder.Folder, options);

        TokenizedText pair = reranker.EncodePair(_fixture.Pairs[0].Query, longText);
        IReadOnlyList<double> scores = await reranker.ScoreAsync(_fixture.Pairs[0].Query, [longText, _fixture.Pairs[0].Passage]);

        Assert.Equal(128, pair.Length);
        Assert.True(pair.Truncated);
        Assert.Equal(2, scores.Count);
        Assert.True(double.IsFinite(scores[0]));
        Assert.Equal(_fixture.ExpectedLogits[0], scores[1], 1e-5);
    }

    [Fact]
    public void EncodePair_MsMarcoReferencePairs_MatchIdsAndTokenTypes()
    {
        // ms-marco-MiniLM-L-12-v2 has the real tokenizer but no weights: borrow the synthetic graph for the session.
        using var reranker = MsMarcoTokenizerReranker(maxLength: null);
        JsonElement pairs = Reference.Load(Reference.MsMarco).GetProperty("pairs");
        Assert.True(pairs.GetArrayLength() >= 4);

        foreach (JsonElement pair in pairs.EnumerateArray())
        {
            TokenizedText encoded = reranker.EncodePair(pair.GetProperty("query").GetString()!, pair.GetProperty("passage").GetString()!); // strings in the file

            Assert.Equal(Reference.Ints(pair.GetProperty("input_ids")), encoded.InputIds);
            Assert.Equal(Reference.Ints(pair.GetProperty("token_type_ids")), encoded.TokenTypeIds);
        }

        Assert.Equal(512, reranker.MaxSequenceLength);
        Assert.False(reranker.AppliesSigmoid);
    }

    [Fact]
    public void EncodePair_MsMarcoLongPassageAt128_MatchesLongestFirstReference()
    {
        using var reranker = MsMarcoTokenizerReranker(maxLength: 128);
        JsonElement reference = Reference.Load(Reference.MsMarco).GetProperty("pair_long_passage_truncated_128");
        string longText = Reference.Load("all-MiniLM-L6-v2").GetProperty("tokenizer").GetProperty("long_600_words").GetProperty("text").GetString()!; // a string in the file

        TokenizedText encoded = reranker.EncodePair(reference.GetProperty("query").GetString()!, longText); // a string in the file

        Assert.Equal(Reference.Ints(reference.GetProperty("input_ids")), encoded.InputIds);
        Assert.Equal(Reference.Ints(reference.GetProperty("token_type_ids")), encoded.TokenTypeIds);
        Assert.True(encoded.Truncated);
    }

    [Fact]
    public async Task ScoreAsync_NoDocuments_ReturnsEmpty()
    {
        IReadOnlyList<double> scores = await _fixture.Reranker.ScoreAsync("query", []);

        Assert.Empty(scores);
    }

    [Fact]
    public async Task ScoreAsync_NullDocument_ThrowsNamingTheIndex()
    {
        var ex = await Assert.ThrowsAsync<ArgumentNullException>(() => _fixture.Reranker.ScoreAsync("query", ["a", null!]));

        Assert.Contains("documents[1]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScoreAsync_Disposed_ThrowsObjectDisposed()
    {
        var reranker = new CrossEncoderReranker(TinyCrossEncoder.Folder, TinyCrossEncoder.Options());
        reranker.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => reranker.ScoreAsync("query", ["passage"]));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowNamingTheOption()
    {
        Assert.Equal("BatchSize", Assert.Throws<ArgumentOutOfRangeException>(() => new CrossEncoderReranker(TinyCrossEncoder.Folder, new CrossEncoderRerankerOptions { BatchSize = 0 })).ParamName);
        Assert.Equal("MaxSequenceLength", Assert.Throws<ArgumentOutOfRangeException>(() => new CrossEncoderReranker(TinyCrossEncoder.Folder, new CrossEncoderRerankerOptions { MaxSequenceLength = 2 })).ParamName);
        Assert.Equal("ModelDirectory", Assert.Throws<ArgumentException>(() => new CrossEncoderReranker(new CrossEncoderRerankerOptions())).ParamName);
    }

    [Fact]
    public void MaxSequenceLength_AbovePositions_ThrowsOnLoad()
    {
        using var reranker = new CrossEncoderReranker(TinyCrossEncoder.Folder, new CrossEncoderRerankerOptions { MaxSequenceLength = 600 });

        Assert.Equal("MaxSequenceLength", Assert.Throws<ArgumentOutOfRangeException>(() => reranker.MaxSequenceLength).ParamName);
    }

    [Fact]
    public void Constructor_MissingFolder_LoadsNothingUntilUsed()
    {
        using var reranker = new CrossEncoderReranker(Path.Combine(Path.GetTempPath(), "no-such-model-" + Guid.NewGuid().ToString("N")));

        Assert.Throws<DirectoryNotFoundException>(() => reranker.ModelId);
    }

    [Fact]
    public async Task AddCrossEncoderReranker_ResolvesIRerankerThatScores()
    {
        var services = new ServiceCollection();
        services.AddCrossEncoderReranker(TinyCrossEncoder.Folder, o => o.Session.IntraOpThreads = 1);
        services.AddKeyedCrossEncoderReranker("sigmoid", TinyCrossEncoder.Folder, o => o.Score = CrossEncoderScore.Sigmoid);
        await using ServiceProvider provider = services.BuildServiceProvider();

        IReranker reranker = provider.GetRequiredService<IReranker>();
        IReranker keyed = provider.GetRequiredKeyedService<IReranker>("sigmoid");
        IReadOnlyList<double> scores = await reranker.ScoreAsync(_fixture.Pairs[0].Query, [_fixture.Pairs[0].Passage]);
        IReadOnlyList<double> keyedScores = await keyed.ScoreAsync(_fixture.Pairs[0].Query, [_fixture.Pairs[0].Passage]);

        Assert.Same(provider.GetRequiredService<CrossEncoderReranker>(), reranker);
        Assert.Equal(_fixture.ExpectedLogits[0], scores[0], 1e-5);
        Assert.Equal(1 / (1 + Math.Exp(-_fixture.ExpectedLogits[0])), keyedScores[0], 1e-6);
    }

    [Fact]
    public void AddCrossEncoderReranker_MissingFolder_RegistrationReadsNothing()
    {
        var services = new ServiceCollection();
        string missing = Path.Combine(Path.GetTempPath(), "no-such-model-" + Guid.NewGuid().ToString("N"));

        services.AddCrossEncoderReranker(missing);
        using ServiceProvider provider = services.BuildServiceProvider();
        var reranker = (CrossEncoderReranker)provider.GetRequiredService<IReranker>();

        Assert.Throws<DirectoryNotFoundException>(() => reranker.ModelId);
    }

    private static CrossEncoderReranker MsMarcoTokenizerReranker(int? maxLength) => new(new CrossEncoderRerankerOptions
    {
        ModelDirectory = TestPaths.Models(Reference.MsMarco),
        ModelPath = Path.Combine(TinyCrossEncoder.Folder, "model.onnx"),
        MaxSequenceLength = maxLength,
        Session = new OnnxSessionOptions { IntraOpThreads = 1 },
    });

    private static string CopyModelFolder(Func<string, string> editConfig)
    {
        string folder = Path.Combine(Path.GetTempPath(), "llamadb-ce-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        foreach (string file in Directory.EnumerateFiles(TinyCrossEncoder.Folder))
        {
            string name = Path.GetFileName(file);
            if (name == "config.json")
            {
                File.WriteAllText(Path.Combine(folder, name), editConfig(File.ReadAllText(file)));
            }
            else if (name != "reference.json")
            {
                File.Copy(file, Path.Combine(folder, name));
            }
        }

        return folder;
    }
}
