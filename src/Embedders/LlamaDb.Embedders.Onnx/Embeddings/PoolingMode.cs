namespace LlamaDb.Embedders.Onnx;

/// <summary>How token embeddings become one text embedding.</summary>
public enum PoolingMode
{
    /// <summary>
    /// From the model folder's <c>1_Pooling/config.json</c>; else the model's own pooled output
    /// (<c>sentence_embedding</c> and the like); else <see cref="Mean"/>.
    /// </summary>
    Auto = 0,
    /// <summary>Mean of the token embeddings, weighted by the attention mask.</summary>
    Mean,
    /// <summary>The first token's embedding (<c>[CLS]</c>).</summary>
    Cls,
    /// <summary>Element-wise maximum over the tokens.</summary>
    Max,
    /// <summary>Sum of the token embeddings divided by the square root of the token count.</summary>
    MeanSqrtLen,
    /// <summary>The last real token's embedding (decoder-style embedders).</summary>
    LastToken,
}
