using LlamaDb.Embedders.Onnx;
using LlamaDb.Embedders.Onnx.Tokenization;

namespace LlamaDb.Retrieval.Onnx;

/// <summary>
/// An <see cref="IReranker"/> that runs a BERT-family cross-encoder (for example <c>cross-encoder/ms-marco-MiniLM-L-6-v2</c>)
/// in process on ONNX Runtime: each (query, passage) pair is encoded as <c>[CLS] query [SEP] passage [SEP]</c>, cut to the
/// model's maximum length with the <c>longest_first</c> rule, and scored by the model's single relevance logit.
/// </summary>
/// <remarks>
/// Pairs are ordered by token length and cut into batches by count and by a padded-token budget, so each batch pads
/// little; scores come back in the documents' order. The constructors load nothing: the model loads on first use.
/// Safe for concurrent calls.
/// </remarks>
public sealed class CrossEncoderReranker : IReranker, IDisposable
{
    private readonly CrossEncoderRerankerOptions _options;
    private readonly Lock _loadLock = new();
    private CrossEncoderModel? _model;
    private bool _disposed;

    /// <summary>Creates a reranker for a model folder in Hugging Face layout. Loads nothing yet.</summary>
    /// <param name="modelDirectory">The folder holding <c>model.onnx</c> (or <c>onnx/model.onnx</c>), the tokenizer and config files.</param>
    /// <param name="options">Options; null for the defaults. Its <see cref="CrossEncoderRerankerOptions.ModelDirectory"/> is replaced by <paramref name="modelDirectory"/>.</param>
    public CrossEncoderReranker(string modelDirectory, CrossEncoderRerankerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        _options = options?.Clone() ?? new CrossEncoderRerankerOptions();
        _options.ModelDirectory = modelDirectory;
        _options.Validate();
    }

    /// <summary>Creates a reranker from options (a model folder, or explicit model and tokenizer files). Loads nothing yet.</summary>
    /// <param name="options">The options.</param>
    public CrossEncoderReranker(CrossEncoderRerankerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        _options.Validate();
    }

    /// <summary>The model id (the folder's name unless set in the options). Loads the model.</summary>
    public string ModelId => Model.ModelId;

    /// <summary>The most tokens per pair, special tokens included. Loads the model.</summary>
    public int MaxSequenceLength => Model.MaxSequenceLength;

    /// <summary>Whether scores are the sigmoid of the logits (otherwise the raw logits). Loads the model.</summary>
    public bool AppliesSigmoid => Model.Sigmoid;

    /// <summary>The model output read as logits. Loads the model.</summary>
    public string OutputName => Model.OutputName;

    /// <summary>The tokenizer. Loads the model.</summary>
    public BertTokenizer Tokenizer => Model.Tokenizer;

    private CrossEncoderModel Model
    {
        get
        {
            CrossEncoderModel? model = Volatile.Read(ref _model);
            if (model is not null)
            {
                return model;
            }

            lock (_loadLock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                _model ??= CrossEncoderModel.Load(_options);
                return _model;
            }
        }
    }

    /// <summary>Creates a reranker for a model folder and loads the model now.</summary>
    /// <param name="modelDirectory">The model folder.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the call before loading starts.</param>
    /// <returns>The loaded reranker.</returns>
    public static Task<CrossEncoderReranker> CreateAsync(string modelDirectory, CrossEncoderRerankerOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var reranker = new CrossEncoderReranker(modelDirectory, options);
        try
        {
            _ = reranker.Model;
            return Task.FromResult(reranker);
        }
        catch
        {
            reranker.Dispose();
            throw;
        }
    }

    /// <summary>Encodes one (query, passage) pair as the model sees it: ids and token types, truncated to <see cref="MaxSequenceLength"/>.</summary>
    /// <param name="query">The query.</param>
    /// <param name="passage">The passage.</param>
    /// <returns>The encoded pair.</returns>
    public TokenizedText EncodePair(string query, string passage)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(passage);
        CrossEncoderModel model = Model;
        return model.Tokenizer.EncodePair(query, passage, model.MaxSequenceLength);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<double>> ScoreAsync(string query, IReadOnlyList<string> documents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(documents);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        for (int i = 0; i < documents.Count; i++)
        {
            if (documents[i] is null)
            {
                throw new ArgumentNullException(nameof(documents), $"documents[{i}] is null.");
            }
        }

        if (documents.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<double>>([]);
        }

        CrossEncoderModel model = Model;
        int n = documents.Count;
        var pairs = new TokenizedText[n];
        for (int i = 0; i < n; i++)
        {
            pairs[i] = model.Tokenizer.EncodePair(query, documents[i], model.MaxSequenceLength);
        }

        var scores = new double[n];
        int[] order = OnnxEmbeddingGenerator.BatchOrder(pairs, sortByLength: true);
        int start = 0;
        while (start < n)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = OnnxEmbeddingGenerator.NextBatchSize(pairs, order, start, _options.BatchSize, _options.MaxBatchTokens);
            model.RunBatch(pairs, order, start, count, scores, cancellationToken);
            start += count;
        }

        if (model.Sigmoid)
        {
            for (int i = 0; i < scores.Length; i++)
            {
                scores[i] = 1.0 / (1.0 + Math.Exp(-scores[i]));
            }
        }

        return Task.FromResult<IReadOnlyList<double>>(scores);
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
