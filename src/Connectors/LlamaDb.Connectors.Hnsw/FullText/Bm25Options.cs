namespace LlamaDb.Connectors.Hnsw.FullText;

/// <summary>The BM25 parameters of a <see cref="Bm25Index"/>.</summary>
internal sealed class Bm25Options
{
    /// <summary>Gets or sets k1, how fast repeated occurrences of a term stop adding score. Defaults to 0.9 (Anserini).</summary>
    public float K1 { get; set; } = 0.9f;

    /// <summary>Gets or sets b, how much document length normalizes term frequency, from 0 to 1. Defaults to 0.4 (Anserini).</summary>
    public float B { get; set; } = 0.4f;

    /// <summary>Throws when a parameter is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="K1"/> is negative or not finite, or <see cref="B"/> is outside [0, 1].</exception>
    public void Validate()
    {
        if (!float.IsFinite(K1) || K1 < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(K1), K1, "K1 must be a finite number >= 0.");
        }

        if (!(B >= 0 && B <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(B), B, "B must be between 0 and 1.");
        }
    }
}
