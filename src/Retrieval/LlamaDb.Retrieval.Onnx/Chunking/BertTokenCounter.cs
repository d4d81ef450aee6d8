using LlamaDb.Embedders.Onnx.Tokenization;

namespace LlamaDb.Retrieval.Onnx;

/// <summary>
/// An <see cref="ITokenCounter"/> over an ONNX model's <see cref="BertTokenizer"/>, so chunkers count exactly the WordPiece
/// tokens the embedding model will see. The model's <c>[CLS]</c> and <c>[SEP]</c> are not counted (a chunk of
/// <c>MaxTokens</c> then fits a model of <c>MaxTokens + 2</c> positions).
/// </summary>
/// <remarks>Thread-safe: the tokenizer is.</remarks>
public sealed class BertTokenCounter : ITokenCounter
{
    /// <summary>The special tokens the tokenizer adds around one text (<c>[CLS]</c> and <c>[SEP]</c>).</summary>
    public const int SpecialTokens = 2;

    private readonly ITokenCounter _inner;

    /// <summary>Creates a counter over <paramref name="tokenizer"/>.</summary>
    /// <param name="tokenizer">The model's tokenizer (for example <c>OnnxEmbeddingGenerator.Tokenizer</c>).</param>
    public BertTokenCounter(BertTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        Tokenizer = tokenizer;
        _inner = TokenCounter.Create(text => tokenizer.CountTokens(text) - SpecialTokens);
    }

    /// <summary>Gets the tokenizer.</summary>
    public BertTokenizer Tokenizer { get; }

    /// <summary>Creates a counter from a model folder's tokenizer files (<c>tokenizer.json</c> or <c>vocab.txt</c>).</summary>
    /// <param name="modelDirectory">The model folder.</param>
    /// <returns>The counter.</returns>
    public static BertTokenCounter FromDirectory(string modelDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        return new BertTokenCounter(BertTokenizer.FromDirectory(modelDirectory));
    }

    /// <inheritdoc />
    public int CountTokens(string text) => _inner.CountTokens(text);

    /// <inheritdoc />
    public IReadOnlyList<TokenSpan> GetTokenSpans(string text) => _inner.GetTokenSpans(text);
}
