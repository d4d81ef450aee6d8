using LlamaDb.Embedders.Onnx.Tokenization;
using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders.Onnx;

/// <summary>
/// Text embeddings from a local ONNX model (BERT family: MiniLM, BGE, E5, GTE, …) run in process by ONNX Runtime.
/// </summary>
/// <remarks>
/// Texts are tokenized with the model's WordPiece tokenizer, ordered by length, cut into batches by count and by a
/// padded-token budget, run, pooled and (optionally) L2-normalized; results come back in input order. Texts longer
/// than the model's maximum are truncated, and such embeddings carry <c>AdditionalProperties["truncated"] = true</c>.
/// Safe for concurrent calls. The constructors load nothing: the model loads on first use;
/// <see cref="CreateAsync(string, OnnxEmbeddingGeneratorOptions?, CancellationToken)"/> loads it at once.
/// </remarks>
public sealed class OnnxEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The provider name reported in <see cref="EmbeddingGeneratorMetadata"/>.</summary>
    public const string ProviderName = "onnx";

    /// <summary>The key of the flag set on an embedding whose text was truncated.</summary>
    public const string TruncatedProperty = "truncated";

    private readonly string? _modelDirectory;
    private readonly OnnxEmbeddingGeneratorOptions _options;
    private readonly Lock _loadLock = new();
    private OnnxEmbeddingModel? _model;
    private bool _disposed;

    /// <summary>Creates a generator for a model folder in Hugging Face / sentence-transformers layout. Loads nothing yet.</summary>
    /// <param name="modelDirectory">The folder holding <c>model.onnx</c> (or <c>onnx/model.onnx</c>), the tokenizer and config files.</param>
    /// <param name="options">Options; null for the defaults.</param>
    public OnnxEmbeddingGenerator(string modelDirectory, OnnxEmbeddingGeneratorOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        _modelDirectory = modelDirectory;
        _options = options?.Clone() ?? new OnnxEmbeddingGeneratorOptions();
        _options.Validate();
    }

    /// <summary>
    /// Creates a generator from explicit files (<see cref="OnnxEmbeddingGeneratorOptions.ModelPath"/> and
    /// <see cref="OnnxEmbeddingGeneratorOptions.TokenizerPath"/>). Loads nothing yet.
    /// </summary>
    public OnnxEmbeddingGenerator(OnnxEmbeddingGeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if ((options.ModelPath is null && options.ModelBytes is null) || options.TokenizerPath is null)
        {
            throw new ArgumentException("Without a model folder, ModelPath (or ModelBytes) and TokenizerPath must be set.", nameof(options));
        }

        _options = options.Clone();
        _options.Validate();
    }

    /// <summary>Creates a generator for a model folder and loads the model now.</summary>
    public static Task<OnnxEmbeddingGenerator> CreateAsync(string modelDirectory, OnnxEmbeddingGeneratorOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var generator = new OnnxEmbeddingGenerator(modelDirectory, options);
        return LoadNowAsync(generator);
    }

    /// <summary>Creates a generator from explicit files and loads the model now.</summary>
    public static Task<OnnxEmbeddingGenerator> CreateAsync(OnnxEmbeddingGeneratorOptions options, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var generator = new OnnxEmbeddingGenerator(options);
        return LoadNowAsync(generator);
    }

    private static Task<OnnxEmbeddingGenerator> LoadNowAsync(OnnxEmbeddingGenerator generator)
    {
        try
        {
            _ = generator.Model;
            return Task.FromResult(generator);
        }
        catch
        {
            generator.Dispose();
            throw;
        }
    }

    /// <summary>The model id reported on embeddings and in metadata. Loads the model.</summary>
    public string ModelId => Model.ModelId;

    /// <summary>Embedding width. Loads the model.</summary>
    public int Dimensions => Model.Dimensions;

    /// <summary>Maximum tokens per text, including <c>[CLS]</c> and <c>[SEP]</c>. Loads the model.</summary>
    public int MaxSequenceLength => Model.MaxSequenceLength;

    /// <summary>The pooling applied (<see cref="PoolingMode.Auto"/> when the model's own pooled output is used). Loads the model.</summary>
    public PoolingMode Pooling => Model.Pooling;

    /// <summary>Whether results are L2-normalized. Loads the model.</summary>
    public bool Normalize => Model.Normalize;

    /// <summary>The tokenizer. Loads the model.</summary>
    public BertTokenizer Tokenizer => Model.Tokenizer;

    /// <summary>The model's inputs as ONNX Runtime reports them. Loads the model.</summary>
    public IReadOnlyList<OnnxTensorInfo> ModelInputs => Model.Inputs;

    /// <summary>The model's outputs as ONNX Runtime reports them. Loads the model.</summary>
    public IReadOnlyList<OnnxTensorInfo> ModelOutputs => Model.Outputs;

    /// <summary>The output that is read (and pooled unless it is already pooled). Loads the model.</summary>
    public string OutputName => Model.OutputName;

    private OnnxEmbeddingModel Model
    {
        get
        {
            OnnxEmbeddingModel? model = Volatile.Read(ref _model);
            if (model is not null)
            {
                return model;
            }

            lock (_loadLock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                _model ??= OnnxEmbeddingModel.Load(_modelDirectory, _options);
                return _model;
            }
        }
    }

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();

        IReadOnlyList<string> texts = values as IReadOnlyList<string> ?? values.ToList();
        for (int i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null)
            {
                throw new ArgumentNullException(nameof(values), $"values[{i}] is null.");
            }
        }

        OnnxEmbeddingModel model = Model;
        int? dimensions = options?.Dimensions;
        if (dimensions is { } requested)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requested, "options.Dimensions");
            if (model.Dimensions > 0 && requested > model.Dimensions)
            {
                throw new ArgumentOutOfRangeException("options.Dimensions", requested, $"The model '{model.ModelId}' produces {model.Dimensions} dimensions; {requested} were asked for.");
            }
        }

        float[][] vectors = Embed(model, texts, out TokenizedText[] encoded, cancellationToken);

        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        long tokens = 0;
        DateTimeOffset createdAt = DateTimeOffset.UtcNow;
        for (int i = 0; i < vectors.Length; i++)
        {
            float[] vector = vectors[i];
            if (dimensions is { } d && d != vector.Length)
            {
                // Checked here too for models whose width is only known after the first run.
                if (d > vector.Length)
                {
                    throw new ArgumentOutOfRangeException("options.Dimensions", d, $"The model '{model.ModelId}' produces {vector.Length} dimensions; {d} were asked for.");
                }

                vector = vector[..d];
                if (model.Normalize)
                {
                    OnnxEmbeddingModel.NormalizeL2(vector);
                }
            }

            var embedding = new Embedding<float>(vector) { ModelId = model.ModelId, CreatedAt = createdAt };
            if (encoded[i].Truncated)
            {
                embedding.AdditionalProperties = new AdditionalPropertiesDictionary { [TruncatedProperty] = true };
            }

            tokens += encoded[i].InputIds.Length;
            result.Add(embedding);
        }

        result.Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens };
        return Task.FromResult(result);
    }

    /// <summary>Tokenizes, batches, runs, pools and normalizes; vectors come back in input order.</summary>
    private float[][] Embed(OnnxEmbeddingModel model, IReadOnlyList<string> texts, out TokenizedText[] encoded, CancellationToken cancellationToken)
    {
        int n = texts.Count;
        encoded = new TokenizedText[n];
        var vectors = new float[n][];
        if (n == 0)
        {
            return vectors;
        }

        int maxLength = model.MaxSequenceLength;
        for (int i = 0; i < n; i++)
        {
            encoded[i] = model.Tokenizer.Encode(texts[i], maxLength);
        }

        int[] order = BatchOrder(encoded, _options.SortByLength);
        int start = 0;
        while (start < n)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = NextBatchSize(encoded, order, start, _options.BatchSize, _options.MaxBatchTokens);
            model.RunBatch(encoded, order, start, count, vectors, cancellationToken);
            start += count;
        }

        if (model.Normalize)
        {
            foreach (float[] vector in vectors)
            {
                OnnxEmbeddingModel.NormalizeL2(vector);
            }
        }

        return vectors;
    }

    /// <summary>Indices of the texts in the order they are batched: by token length (stable) or as given.</summary>
    internal static int[] BatchOrder(TokenizedText[] encoded, bool sortByLength)
    {
        int[] order = new int[encoded.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        if (sortByLength)
        {
            // Sort keys pack (length, index) so equal lengths keep input order.
            long[] keys = new long[encoded.Length];
            for (int i = 0; i < keys.Length; i++)
            {
                keys[i] = ((long)encoded[i].InputIds.Length << 32) | (uint)i;
            }

            Array.Sort(keys, order);
        }

        return order;
    }

    /// <summary>How many texts from <paramref name="start"/> go into the next batch: at most
    /// <paramref name="batchSize"/>, and at most <paramref name="maxBatchTokens"/> padded tokens (but always one).</summary>
    internal static int NextBatchSize(TokenizedText[] encoded, int[] order, int start, int batchSize, int maxBatchTokens)
    {
        int longest = encoded[order[start]].InputIds.Length;
        int count = 1;
        while (start + count < order.Length && count < batchSize)
        {
            int candidateLongest = Math.Max(longest, encoded[order[start + count]].InputIds.Length);
            if ((long)candidateLongest * (count + 1) > maxBatchTokens)
            {
                break;
            }

            longest = candidateLongest;
            count++;
        }

        return count;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            OnnxEmbeddingModel model = Model;
            Uri? modelUri = Path.IsPathFullyQualified(model.Folder.ModelPath) ? new Uri(model.Folder.ModelPath) : null;
            return new EmbeddingGeneratorMetadata(ProviderName, modelUri, model.ModelId, model.Dimensions > 0 ? model.Dimensions : null);
        }

        if (serviceType == typeof(BertTokenizer))
        {
            return Model.Tokenizer;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_loadLock)
        {
            _disposed = true;
            _model?.Dispose();
            _model = null;
        }
    }
}
