using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders;

/// <summary>
/// A stage for local models that prepends the prefix the model expects for the call's <c>input_type</c>
/// (<see cref="EmbeddingInputTypes.GetInputType(EmbeddingGenerationOptions?)"/>), e.g. E5's <c>"query: "</c>. Texts that
/// already start with the prefix are left alone; calls without <c>input_type</c> pass through unchanged. The options
/// (including <c>input_type</c>) are passed on as they are.
/// </summary>
/// <typeparam name="TEmbedding">The embedding type.</typeparam>
public sealed class InputTypePrefixingEmbeddingGenerator<TEmbedding> : DelegatingEmbeddingGenerator<string, TEmbedding>
    where TEmbedding : Embedding
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="innerGenerator">The generator to wrap.</param>
    /// <param name="prefixes">The model's prefixes, e.g. <see cref="TextPrefixes.E5"/>.</param>
    public InputTypePrefixingEmbeddingGenerator(IEmbeddingGenerator<string, TEmbedding> innerGenerator, TextPrefixes prefixes)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        Prefixes = prefixes;
    }

    /// <summary>Gets the model's prefixes.</summary>
    public TextPrefixes Prefixes { get; }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">The call's <c>input_type</c> has no prefix for this model.</exception>
    public override Task<GeneratedEmbeddings<TEmbedding>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        string? inputType = options.GetInputType();
        if (inputType is null)
        {
            return base.GenerateAsync(values, options, cancellationToken);
        }

        string prefix = Prefixes.GetPrefix(inputType);
        if (prefix.Length == 0)
        {
            return base.GenerateAsync(values, options, cancellationToken);
        }

        var prefixed = new List<string>(values.TryGetNonEnumeratedCount(out int count) ? count : 16);
        foreach (string value in values)
        {
            ArgumentNullException.ThrowIfNull(value, nameof(values));
            prefixed.Add(TextPrefixes.Apply(prefix, value));
        }

        return base.GenerateAsync(prefixed, options, cancellationToken);
    }
}
