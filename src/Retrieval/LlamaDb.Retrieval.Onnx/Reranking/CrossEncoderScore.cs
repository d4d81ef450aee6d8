namespace LlamaDb.Retrieval.Onnx;

/// <summary>How <see cref="CrossEncoderReranker"/> turns the model's logit into a score.</summary>
public enum CrossEncoderScore
{
    /// <summary>
    /// Follow the model folder: sigmoid when <c>config.json</c>'s <c>sbert_ce_default_activation_function</c> names
    /// <c>Sigmoid</c>, otherwise the raw logit (the ms-marco cross-encoders say <c>Identity</c>).
    /// </summary>
    Auto,

    /// <summary>The raw logit (unbounded; higher is more relevant).</summary>
    Logit,

    /// <summary>The logistic sigmoid of the logit, in (0, 1).</summary>
    Sigmoid,
}
