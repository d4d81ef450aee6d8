namespace LlamaDb.Embedders.Onnx;

/// <summary>Options for <see cref="OnnxEmbeddingGenerator"/>.</summary>
public sealed class OnnxEmbeddingGeneratorOptions
{
    /// <summary>
    /// The ONNX model file. Defaults to null: <c>model.onnx</c>, then <c>onnx/model.onnx</c> in the model folder.
    /// </summary>
    public string? ModelPath { get; set; }

    /// <summary>
    /// The ONNX model itself, for models that are not files (embedded resources, downloaded streams). Defaults to null.
    /// When set it wins over <see cref="ModelPath"/>.
    /// </summary>
    public ReadOnlyMemory<byte>? ModelBytes { get; set; }

    /// <summary>
    /// The tokenizer file (<c>vocab.txt</c> or <c>tokenizer.json</c>). Defaults to null: taken from the model folder.
    /// </summary>
    public string? TokenizerPath { get; set; }

    /// <summary>The model id reported in metadata and on embeddings. Defaults to null: the model folder's name.</summary>
    public string? ModelId { get; set; }

    /// <summary>Pooling. Defaults to <see cref="PoolingMode.Auto"/>.</summary>
    public PoolingMode Pooling { get; set; } = PoolingMode.Auto;

    /// <summary>
    /// L2 normalization of the result. Defaults to null (auto): on when the folder's <c>modules.json</c> lists a
    /// Normalize module.
    /// </summary>
    public bool? Normalize { get; set; }

    /// <summary>
    /// Maximum tokens per text, including <c>[CLS]</c> and <c>[SEP]</c>. Defaults to null: <c>sentence_bert_config.json</c>
    /// <c>max_seq_length</c>, else <c>tokenizer_config.json</c> <c>model_max_length</c>, else the model's position limit,
    /// else 512.
    /// </summary>
    public int? MaxSequenceLength { get; set; }

    /// <summary>Texts per inference batch. Defaults to 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// The most padded tokens (batch size × longest text) one inference batch may hold. Defaults to 16384.
    /// </summary>
    public int MaxBatchTokens { get; set; } = 16384;

    /// <summary>
    /// Whether texts are ordered by token length before batching so each batch pads little. Defaults to true.
    /// Results always come back in input order.
    /// </summary>
    public bool SortByLength { get; set; } = true;

    /// <summary>
    /// The model output to use. Defaults to null: a <c>[batch, seq, hidden]</c> output such as <c>last_hidden_state</c>
    /// or <c>token_embeddings</c> (pooled here), or a <c>[batch, hidden]</c> one such as <c>sentence_embedding</c>.
    /// </summary>
    public string? OutputName { get; set; }

    /// <summary>ONNX Runtime session settings (threads, optimization level, native library path).</summary>
    public OnnxSessionOptions Session { get; set; } = new();

    /// <summary>Creates a deep copy.</summary>
    public OnnxEmbeddingGeneratorOptions Clone()
    {
        var clone = (OnnxEmbeddingGeneratorOptions)MemberwiseClone();
        clone.Session = Session.Clone();
        return clone;
    }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxBatchTokens, nameof(MaxBatchTokens));
        if (MaxSequenceLength is { } max && max < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSequenceLength), max, "MaxSequenceLength must be at least 2 ([CLS] and [SEP]).");
        }

        if (!Enum.IsDefined(Pooling))
        {
            throw new ArgumentOutOfRangeException(nameof(Pooling), Pooling, "Unknown pooling mode.");
        }

        ArgumentNullException.ThrowIfNull(Session, nameof(Session));
        Session.Validate();
    }
}
