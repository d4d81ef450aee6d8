using System.Numerics.Tensors;
using System.Text.Json;
using LlamaDb.Embedders.Onnx.Tokenization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace LlamaDb.Embedders.Onnx.Tests.Embeddings;

public sealed class OnnxEmbeddingGeneratorTests : IClassFixture<OnnxEmbeddingGeneratorTests.TinyEmbedder>
{
    private readonly TinyEmbedder _fixture;

    public OnnxEmbeddingGeneratorTests(TinyEmbedder fixture) => _fixture = fixture;

    /// <summary>One loaded generator shared by the tests (loading is the slow part).</summary>
    public sealed class TinyEmbedder : IDisposable
    {
        public TinyEmbedder()
        {
            Data = Tests.Reference.Load("synthetic-embedder-tiny");
            Texts = Tests.Reference.Strings(Data.GetProperty("texts"));
            Generator = new OnnxEmbeddingGenerator(Folder, new OnnxEmbeddingGeneratorOptions { Session = { IntraOpThreads = 2 } });
        }

        public static string Folder => TestPaths.Models("synthetic-embedder-tiny");

        public JsonElement Data { get; }

        public string[] Texts { get; }

        public OnnxEmbeddingGenerator Generator { get; }

        public double[] ExpectedEmbedding(int index) => Tests.Reference.Doubles(Data.GetProperty("embeddings_mean_pooled_l2")[index]);

        public void Dispose() => Generator.Dispose();
    }

    [Fact]
    public async Task GenerateAsync_ReferenceSentences_MatchMeanPooledL2Within1e5()
    {
        GeneratedEmbeddings<Embedding<float>> embeddings = await _fixture.Generator.GenerateAsync(_fixture.Texts);

        Assert.Equal(_fixture.Texts.Length, embeddings.Count);
        for (int i = 0; i < embeddings.Count; i++)
        {
            Reference.AssertClose(_fixture.ExpectedEmbedding(i), embeddings[i].Vector.Span, 1e-5);
            Assert.Equal("synthetic-embedder-tiny", embeddings[i].ModelId);
            Assert.Null(embeddings[i].AdditionalProperties);
        }
    }

    [Fact]
    public async Task GenerateAsync_ReferenceSentences_CosineMatrixMatches()
    {
        GeneratedEmbeddings<Embedding<float>> embeddings = await _fixture.Generator.GenerateAsync(_fixture.Texts);
        JsonElement matrix = _fixture.Data.GetProperty("cosine_matrix");

        for (int i = 0; i < embeddings.Count; i++)
        {
            double[] row = Reference.Doubles(matrix[i]);
            for (int j = 0; j < embeddings.Count; j++)
            {
                double cosine = TensorPrimitives.CosineSimilarity(embeddings[i].Vector.Span, embeddings[j].Vector.Span);
                Assert.True(Math.Abs(row[j] - cosine) < 1e-5, $"cos({i},{j}) = {cosine}, expected {row[j]}");
            }
        }
    }

    [Fact]
    public async Task GenerateAsync_EachTextAlone_EqualsBatchResult()
    {
        GeneratedEmbeddings<Embedding<float>> batch = await _fixture.Generator.GenerateAsync(_fixture.Texts);

        for (int i = 0; i < _fixture.Texts.Length; i++)
        {
            Embedding<float> single = await _fixture.Generator.GenerateAsync(_fixture.Texts[i]);
            Reference.AssertClose(ToDoubles(batch[i].Vector.Span), single.Vector.Span, 1e-6);
        }
    }

    [Fact]
    public async Task GenerateAsync_BatchedWithMuchLongerText_PaddingDoesNotChangeShortOnes()
    {
        string longText = string.Join(' ', Enumerable.Repeat("retrieval augmented generation with a vector index", 20));
        using var unsorted = new OnnxEmbeddingGenerator(TinyEmbedder.Folder, new OnnxEmbeddingGeneratorOptions { SortByLength = false, BatchSize = 64 });

        GeneratedEmbeddings<Embedding<float>> embeddings = await unsorted.GenerateAsync([longText, .. _fixture.Texts]);

        for (int i = 0; i < _fixture.Texts.Length; i++)
        {
            Reference.AssertClose(_fixture.ExpectedEmbedding(i), embeddings[i + 1].Vector.Span, 1e-5);
        }
    }

    [Theory]
    [InlineData(1, 16384, true)]
    [InlineData(2, 16384, true)]
    [InlineData(3, 30, true)]
    [InlineData(32, 16384, false)]
    public async Task GenerateAsync_AnyBatchingAndOrder_ResultsInInputOrder(int batchSize, int maxBatchTokens, bool sort)
    {
        var options = new OnnxEmbeddingGeneratorOptions { BatchSize = batchSize, MaxBatchTokens = maxBatchTokens, SortByLength = sort };
        using var generator = new OnnxEmbeddingGenerator(TinyEmbedder.Folder, options);

        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(_fixture.Texts);

        for (int i = 0; i < embeddings.Count; i++)
        {
            Reference.AssertClose(_fixture.ExpectedEmbedding(i), embeddings[i].Vector.Span, 1e-5);
        }
    }

    [Theory]
    [InlineData(null, "trunc256", 256)]
    [InlineData(512, "trunc512", 512)]
    public async Task GenerateAsync_LongText_TruncatesToModelMaximumAndReportsIt(int? maxLength, string key, int expectedTokens)
    {
        JsonElement minilm = Reference.Load("all-MiniLM-L6-v2");
        string text = minilm.GetProperty("tokenizer").GetProperty("long_600_words").GetProperty("text").GetString()!;
        using var generator = new OnnxEmbeddingGenerator(TinyEmbedder.Folder, new OnnxEmbeddingGeneratorOptions { MaxSequenceLength = maxLength });

        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync([text]);

        Reference.AssertClose(Reference.Doubles(_fixture.Data.GetProperty("long_text_embeddings").GetProperty(key)), embeddings[0].Vector.Span, 1e-5);
        Assert.Equal(true, embeddings[0].AdditionalProperties?[OnnxEmbeddingGenerator.TruncatedProperty]);
        Assert.Equal(expectedTokens, embeddings.Usage?.InputTokenCount);
        Assert.Equal(expectedTokens, generator.MaxSequenceLength);
    }

    [Fact]
    public async Task GenerateAsync_Usage_CountsTokensOfAllTexts()
    {
        JsonElement minilm = Reference.Load("all-MiniLM-L6-v2");
        int expected = 0;
        foreach (JsonElement sentence in minilm.GetProperty("tokenizer").GetProperty("single_sentences").EnumerateArray())
        {
            expected += sentence.GetProperty("input_ids").GetArrayLength();
        }

        GeneratedEmbeddings<Embedding<float>> embeddings = await _fixture.Generator.GenerateAsync(_fixture.Texts);

        Assert.Equal(expected, embeddings.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task GenerateAsync_Dimensions_TruncatesAndRenormalizes()
    {
        GeneratedEmbeddings<Embedding<float>> full = await _fixture.Generator.GenerateAsync(_fixture.Texts[..1]);
        GeneratedEmbeddings<Embedding<float>> cut = await _fixture.Generator.GenerateAsync(_fixture.Texts[..1], new EmbeddingGenerationOptions { Dimensions = 16 });

        float[] expected = full[0].Vector.Span[..16].ToArray();
        TensorPrimitives.Divide(expected, TensorPrimitives.Norm(expected), expected);
        Assert.Equal(16, cut[0].Vector.Length);
        Reference.AssertClose(ToDoubles(expected), cut[0].Vector.Span, 1e-6);
        Assert.Equal(1f, TensorPrimitives.Norm(cut[0].Vector.Span), 5);
    }

    [Fact]
    public async Task GenerateAsync_DimensionsAboveModelWidth_ThrowsArgumentOutOfRange()
    {
        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => _fixture.Generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 33 }));

        Assert.Contains("32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_NullList_ThrowsArgumentNull()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => _fixture.Generator.GenerateAsync(null!));
    }

    [Fact]
    public async Task GenerateAsync_NullElement_ThrowsArgumentNullNamingIndex()
    {
        var ex = await Assert.ThrowsAsync<ArgumentNullException>(() => _fixture.Generator.GenerateAsync(["a", null!, "c"]));

        Assert.Contains("values[1]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_EmptyString_EmbedsClsSep()
    {
        GeneratedEmbeddings<Embedding<float>> embeddings = await _fixture.Generator.GenerateAsync([string.Empty, "   "]);

        Assert.Equal(4, embeddings.Usage?.InputTokenCount);
        Assert.Equal(1f, TensorPrimitives.Norm(embeddings[0].Vector.Span), 5);
        Reference.AssertClose(ToDoubles(embeddings[0].Vector.Span), embeddings[1].Vector.Span, 1e-7);
    }

    [Fact]
    public async Task GenerateAsync_HostileText_DoesNotCrashAndIsFinite()
    {
        string megabyte = string.Concat(Enumerable.Repeat("Lorem ipsum dolor sit amet, ünïcödé 中文 🙂. ", 1024 * 1024 / 40));
        string[] texts = ["\uD800 lone high", "lone low \uDC00", "\u0000\u0001\u0007\u001B[31mcontrol\u007F", "\uFFFD\uFEFF\u200B", megabyte];

        GeneratedEmbeddings<Embedding<float>> embeddings = await _fixture.Generator.GenerateAsync(texts);

        Assert.Equal(texts.Length, embeddings.Count);
        foreach (Embedding<float> embedding in embeddings)
        {
            Assert.All(embedding.Vector.ToArray(), v => Assert.True(float.IsFinite(v)));
        }

        Assert.Equal(true, embeddings[^1].AdditionalProperties?[OnnxEmbeddingGenerator.TruncatedProperty]);
    }

    [Fact]
    public async Task GenerateAsync_ConcurrentCalls_AllMatchReference()
    {
        Task<GeneratedEmbeddings<Embedding<float>>>[] calls = Enumerable.Range(0, 8)
            .Select(_ => Task.Run(() => _fixture.Generator.GenerateAsync(_fixture.Texts)))
            .ToArray();

        foreach (GeneratedEmbeddings<Embedding<float>> result in await Task.WhenAll(calls))
        {
            for (int i = 0; i < result.Count; i++)
            {
                Reference.AssertClose(_fixture.ExpectedEmbedding(i), result[i].Vector.Span, 1e-5);
            }
        }
    }

    [Fact]
    public async Task GenerateAsync_CanceledToken_Throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _fixture.Generator.GenerateAsync(_fixture.Texts, cancellationToken: cts.Token));
    }

    [Fact]
    public void GetService_Metadata_ReportsProviderModelAndDimensions()
    {
        var metadata = _fixture.Generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("onnx", metadata.ProviderName);
        Assert.Equal("synthetic-embedder-tiny", metadata.DefaultModelId);
        Assert.Equal(32, metadata.DefaultModelDimensions);
        Assert.Same(_fixture.Generator, _fixture.Generator.GetService<OnnxEmbeddingGenerator>());
        Assert.NotNull(_fixture.Generator.GetService<BertTokenizer>());
    }

    [Fact]
    public void Settings_FromModelFolder_AreResolved()
    {
        Assert.Equal(PoolingMode.Mean, _fixture.Generator.Pooling);
        Assert.True(_fixture.Generator.Normalize);
        Assert.Equal(256, _fixture.Generator.MaxSequenceLength);
        Assert.Equal("last_hidden_state", _fixture.Generator.OutputName);
    }

    [Theory]
    [InlineData(PoolingMode.Cls)]
    [InlineData(PoolingMode.Max)]
    [InlineData(PoolingMode.Mean)]
    [InlineData(PoolingMode.MeanSqrtLen)]
    [InlineData(PoolingMode.LastToken)]
    public async Task GenerateAsync_PoolingModeWithoutNormalization_MatchesHiddenStateReference(PoolingMode mode)
    {
        using var generator = new OnnxEmbeddingGenerator(TinyEmbedder.Folder, new OnnxEmbeddingGeneratorOptions { Pooling = mode, Normalize = false });
        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(_fixture.Texts);

        double[] hidden = Reference.Doubles(_fixture.Data.GetProperty("last_hidden_state_flat"));
        long[] mask = Reference.Longs(_fixture.Data.GetProperty("attention_mask"));
        const int Seq = 11, Hidden = 32;
        for (int i = 0; i < _fixture.Texts.Length; i++)
        {
            int length = 0;
            for (int t = 0; t < Seq; t++)
            {
                length += (int)mask[(i * Seq) + t];
            }

            var expected = new double[Hidden];
            for (int h = 0; h < Hidden; h++)
            {
                double sum = 0, max = double.MinValue;
                for (int t = 0; t < length; t++)
                {
                    double v = hidden[(((i * Seq) + t) * Hidden) + h];
                    sum += v;
                    max = Math.Max(max, v);
                }

                expected[h] = mode switch
                {
                    PoolingMode.Cls => hidden[(i * Seq * Hidden) + h],
                    PoolingMode.LastToken => hidden[(((i * Seq) + length - 1) * Hidden) + h],
                    PoolingMode.Max => max,
                    PoolingMode.MeanSqrtLen => sum / Math.Sqrt(length),
                    _ => sum / length,
                };
            }

            Reference.AssertClose(expected, embeddings[i].Vector.Span, 1e-5);
        }
    }

    [Fact]
    public async Task CreateAsync_ExplicitFilesWithTokenizerJson_MatchesFolderResult()
    {
        var options = new OnnxEmbeddingGeneratorOptions
        {
            ModelPath = Path.Combine(TinyEmbedder.Folder, "model.onnx"),
            TokenizerPath = Path.Combine(TinyEmbedder.Folder, "tokenizer.json"),
            Pooling = PoolingMode.Mean,
            Normalize = true,
        };
        using OnnxEmbeddingGenerator generator = await OnnxEmbeddingGenerator.CreateAsync(options);

        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(_fixture.Texts);

        for (int i = 0; i < embeddings.Count; i++)
        {
            Reference.AssertClose(_fixture.ExpectedEmbedding(i), embeddings[i].Vector.Span, 1e-5);
        }
    }

    [Fact]
    public async Task CreateAsync_ModelBytes_MatchesFileResult()
    {
        var options = new OnnxEmbeddingGeneratorOptions
        {
            ModelBytes = await File.ReadAllBytesAsync(Path.Combine(TinyEmbedder.Folder, "model.onnx")),
            TokenizerPath = Path.Combine(TinyEmbedder.Folder, "vocab.txt"),
            ModelId = "tiny-from-bytes",
            Normalize = true,
        };
        using OnnxEmbeddingGenerator generator = await OnnxEmbeddingGenerator.CreateAsync(options);

        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(_fixture.Texts);

        Assert.Equal("tiny-from-bytes", generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId);
        for (int i = 0; i < embeddings.Count; i++)
        {
            Reference.AssertClose(_fixture.ExpectedEmbedding(i), embeddings[i].Vector.Span, 1e-5);
        }
    }

    [Fact]
    public async Task CreateAsync_MissingFolder_ThrowsDirectoryNotFoundNamingIt()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"llamadb-no-model-{Guid.NewGuid():N}");

        var ex = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => OnnxEmbeddingGenerator.CreateAsync(missing));

        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_FolderWithoutModel_ThrowsFileNotFoundListingPlaces()
    {
        using var folder = new TempModelFolder(TinyEmbedder.Folder, includeModel: false);

        var ex = await Assert.ThrowsAsync<FileNotFoundException>(() => OnnxEmbeddingGenerator.CreateAsync(folder.Path));

        Assert.Contains(System.IO.Path.Combine(folder.Path, "model.onnx"), ex.Message, StringComparison.Ordinal);
        Assert.Contains(System.IO.Path.Combine(folder.Path, "onnx", "model.onnx"), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_CorruptModel_ThrowsNamingTheFile()
    {
        using var folder = new TempModelFolder(TinyEmbedder.Folder, includeModel: false);
        string model = System.IO.Path.Combine(folder.Path, "model.onnx");
        byte[] original = File.ReadAllBytes(System.IO.Path.Combine(TinyEmbedder.Folder, "model.onnx"));
        File.WriteAllBytes(model, original.AsSpan(0, original.Length / 3).ToArray());

        Exception ex = await Assert.ThrowsAnyAsync<Exception>(() => OnnxEmbeddingGenerator.CreateAsync(folder.Path));

        Assert.True(ex is InvalidDataException or OnnxRuntimeException, ex.GetType().Name);
        Assert.Contains(model, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_ModelInOnnxSubfolder_IsFound()
    {
        using var folder = new TempModelFolder(TinyEmbedder.Folder, includeModel: false);
        Directory.CreateDirectory(System.IO.Path.Combine(folder.Path, "onnx"));
        File.Copy(System.IO.Path.Combine(TinyEmbedder.Folder, "model.onnx"), System.IO.Path.Combine(folder.Path, "onnx", "model.onnx"));

        using OnnxEmbeddingGenerator generator = await OnnxEmbeddingGenerator.CreateAsync(folder.Path);
        Embedding<float> embedding = await generator.GenerateAsync(_fixture.Texts[0]);

        Reference.AssertClose(_fixture.ExpectedEmbedding(0), embedding.Vector.Span, 1e-5);
    }

    [Fact]
    public async Task AddOnnxEmbeddingGenerator_RegistersLazySingleton()
    {
        var services = new ServiceCollection();
        services.AddOnnxEmbeddingGenerator(TinyEmbedder.Folder, o => o.Session.IntraOpThreads = 1);
        services.AddKeyedOnnxEmbeddingGenerator("missing", "/definitely/not/here");
        await using ServiceProvider provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        Assert.Same(generator, provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        Embedding<float> embedding = await generator.GenerateAsync(_fixture.Texts[0]);
        Reference.AssertClose(_fixture.ExpectedEmbedding(0), embedding.Vector.Span, 1e-5);

        // Registration and resolution do no I/O: the missing folder only fails on first use.
        var missing = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("missing");
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => missing.GenerateAsync(["x"]));
    }

    [Fact]
    public async Task Quantization_Int8AndBinary_FollowTheFloatVector()
    {
        IEmbeddingGenerator<string, Embedding<sbyte>> int8 = _fixture.Generator.AsInt8EmbeddingGenerator();
        IEmbeddingGenerator<string, BinaryEmbedding> binary = _fixture.Generator.AsBinaryEmbeddingGenerator();
        GeneratedEmbeddings<Embedding<float>> floats = await _fixture.Generator.GenerateAsync(_fixture.Texts);
        GeneratedEmbeddings<Embedding<sbyte>> quantized = await int8.GenerateAsync(_fixture.Texts);
        GeneratedEmbeddings<BinaryEmbedding> bits = await binary.GenerateAsync(_fixture.Texts);

        for (int i = 0; i < floats.Count; i++)
        {
            float[] original = floats[i].Vector.ToArray();
            float scale = (float)quantized[i].AdditionalProperties![EmbeddingQuantization.ScaleProperty]!;
            float[] restored = EmbeddingQuantization.Dequantize(quantized[i]);
            Assert.Contains(quantized[i].Vector.ToArray(), q => Math.Abs((int)q) == 127);
            for (int d = 0; d < original.Length; d++)
            {
                Assert.True(Math.Abs(original[d] - restored[d]) <= (scale / 2) + 1e-7, $"dim {d}");
                Assert.Equal(original[d] > 0, bits[i].Vector[d]);
            }
        }
    }

    [Fact]
    public async Task Dispose_ThenGenerate_ThrowsObjectDisposed()
    {
        var generator = new OnnxEmbeddingGenerator(TinyEmbedder.Folder);
        _ = await generator.GenerateAsync(["load it"]);
        generator.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync(["x"]));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowNamingTheOption()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxEmbeddingGenerator(TinyEmbedder.Folder, new OnnxEmbeddingGeneratorOptions { BatchSize = 0 }));
        Assert.Equal("BatchSize", ex.ParamName);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxEmbeddingGenerator(TinyEmbedder.Folder, new OnnxEmbeddingGeneratorOptions { Session = { IntraOpThreads = 0 } }));
        Assert.Equal("IntraOpThreads", ex.ParamName);
    }

    [Fact]
    public async Task MaxSequenceLengthAbovePositions_ThrowsArgumentOutOfRange()
    {
        using var generator = new OnnxEmbeddingGenerator(TinyEmbedder.Folder, new OnnxEmbeddingGeneratorOptions { MaxSequenceLength = 4096 });

        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => generator.GenerateAsync(["x"]));

        Assert.Equal("MaxSequenceLength", ex.ParamName);
    }

    private static double[] ToDoubles(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }

        return result;
    }
}

/// <summary>A temporary copy of a model folder's small files (and optionally its model).</summary>
internal sealed class TempModelFolder : IDisposable
{
    public TempModelFolder(string source, bool includeModel)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"llamadb-model-{Guid.NewGuid():N}");
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = System.IO.Path.GetRelativePath(source, file);
            if (!includeModel && relative.EndsWith(".onnx", StringComparison.Ordinal))
            {
                continue;
            }

            string target = System.IO.Path.Combine(Path, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            File.SetAttributes(target, FileAttributes.Normal);
        }
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
