using LlamaDb.Embedders.Onnx;

namespace LlamaDb.Retrieval.Onnx;

/// <summary>Options for <see cref="CrossEncoderReranker"/>.</summary>
public sealed class CrossEncoderRerankerOptions
{
    /// <summary>
    /// The model folder (Hugging Face layout: <c>model.onnx</c> or <c>onnx/model.onnx</c>, <c>vocab.txt</c> or
    /// <c>tokenizer.json</c>, <c>tokenizer_config.json</c>, <c>config.json</c>). Defaults to null; required unless
    /// <see cref="ModelPath"/> and <see cref="TokenizerPath"/> are both set.
    /// </summary>
    public string? ModelDirectory { get; set; }

    /// <summary>The ONNX model file. Defaults to null: <c>model.onnx</c>, then <c>onnx/model.onnx</c> in the model folder.</summary>
    public string? ModelPath { get; set; }

    /// <summary>The tokenizer file (<c>vocab.txt</c> or <c>tokenizer.json</c>). Defaults to null: taken from the model folder.</summary>
    public string? TokenizerPath { get; set; }

    /// <summary>The model id reported by <see cref="CrossEncoderReranker.ModelId"/>. Defaults to null: the model folder's name.</summary>
    public string? ModelId { get; set; }

    /// <summary>
    /// The most tokens per (query, passage) pair, special tokens included; longer pairs are cut with the
    /// <c>longest_first</c> rule. Defaults to null: <c>tokenizer_config.json</c>'s <c>model_max_length</c>, else
    /// <c>config.json</c>'s <c>max_position_embeddings</c>, else 512 (never more than the positions).
    /// </summary>
    public int? MaxSequenceLength { get; set; }

    /// <summary>Pairs per inference batch. Defaults to 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>The most padded tokens (batch size × longest pair) one inference batch may hold. Defaults to 16384.</summary>
    public int MaxBatchTokens { get; set; } = 16384;

    /// <summary>How the logit becomes a score. Defaults to <see cref="CrossEncoderScore.Auto"/>.</summary>
    public CrossEncoderScore Score { get; set; } = CrossEncoderScore.Auto;

    /// <summary>The model output holding the logits. Defaults to null: <c>logits</c>, else the first float output of shape [batch, 1] or [batch].</summary>
    public string? OutputName { get; set; }

    /// <summary>ONNX Runtime session settings (threads, optimization level, native library path).</summary>
    public OnnxSessionOptions Session { get; set; } = new();

    /// <summary>Creates a deep copy.</summary>
    /// <returns>The copy.</returns>
    public CrossEncoderRerankerOptions Clone()
    {
        var clone = (CrossEncoderRerankerOptions)MemberwiseClone();
        clone.Session = Session.Clone();
        return clone;
    }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxBatchTokens, nameof(MaxBatchTokens));
        if (MaxSequenceLength is { } max && max < 3)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSequenceLength), max, "MaxSequenceLength must be at least 3 ([CLS] and two [SEP]).");
        }

        if (!Enum.IsDefined(Score))
        {
            throw new ArgumentOutOfRangeException(nameof(Score), Score, "Unknown score mode.");
        }

        if (ModelDirectory is null && (ModelPath is null || TokenizerPath is null))
        {
            throw new ArgumentException("Set ModelDirectory, or both ModelPath and TokenizerPath.", nameof(ModelDirectory));
        }

        ArgumentNullException.ThrowIfNull(Session, nameof(Session));
        Session.Validate();
    }
}
