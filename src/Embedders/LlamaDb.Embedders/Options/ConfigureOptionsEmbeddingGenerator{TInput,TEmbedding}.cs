using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders;

/// <summary>
/// A stage that passes each call a copy of its options (a new instance when the call had none) after a callback has
/// changed it. The caller's options are never modified.
/// </summary>
/// <typeparam name="TInput">The input type.</typeparam>
/// <typeparam name="TEmbedding">The embedding type.</typeparam>
public sealed class ConfigureOptionsEmbeddingGenerator<TInput, TEmbedding> : DelegatingEmbeddingGenerator<TInput, TEmbedding>
    where TEmbedding : Embedding
{
    private readonly Action<EmbeddingGenerationOptions> _configure;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="innerGenerator">The generator to wrap.</param>
    /// <param name="configure">Changes the copied options.</param>
    public ConfigureOptionsEmbeddingGenerator(IEmbeddingGenerator<TInput, TEmbedding> innerGenerator, Action<EmbeddingGenerationOptions> configure)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _configure = configure;
    }

    /// <inheritdoc />
    public override Task<GeneratedEmbeddings<TEmbedding>> GenerateAsync(
        IEnumerable<TInput> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        EmbeddingGenerationOptions configured = options?.Clone() ?? new EmbeddingGenerationOptions();
        _configure(configured);
        return base.GenerateAsync(values, configured, cancellationToken);
    }
}
