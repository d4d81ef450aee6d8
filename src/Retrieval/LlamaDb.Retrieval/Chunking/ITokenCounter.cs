namespace LlamaDb.Retrieval;

/// <summary>
/// Counts tokens the way the embedding model will, so chunks fit its input. <see cref="TokenEstimator"/> is the default;
/// to count with the model's own tokenizer, wrap its count function with <see cref="TokenCounter.Create"/>. For the ONNX
/// WordPiece tokenizer (in <c>LlamaDb.Embedders.Onnx</c>, which this package must not reference) that is
/// <c>TokenCounter.Create(text =&gt; bertTokenizer.CountTokens(text) - 2)</c> (its count includes <c>[CLS]</c> and
/// <c>[SEP]</c>); the adapter belongs in <c>LlamaDb.Retrieval.Onnx</c> or the application.
/// </summary>
/// <remarks>It is also an <see cref="IPromptTokenCounter"/> (<c>CountTokens</c>, without special tokens such as
/// <c>[CLS]</c>), so one tokenizer adapter serves both chunking and the RAG pipeline's prompt budget.</remarks>
public interface ITokenCounter : IPromptTokenCounter
{

    /// <summary>
    /// Splits <paramref name="text"/> into spans (words and punctuation marks), in order and non-overlapping, with their
    /// token counts; whitespace between spans has no tokens. Chunkers cut between spans.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>The spans.</returns>
    IReadOnlyList<TokenSpan> GetTokenSpans(string text);
}
