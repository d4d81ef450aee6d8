using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders;

/// <summary>
/// A provider's description of the defaults that change its vectors but are not in <see cref="EmbeddingGeneratorMetadata"/>
/// (OpenAI's default <c>dimensions</c>, Cohere's default <c>input_type</c> and <c>truncate</c>, an OpenAI-compatible
/// server's prefixes, ...). Generators return it from <c>GetService(typeof(EmbeddingCacheFingerprint))</c>; caches put it
/// into their keys so that two differently configured generators never share entries.
/// </summary>
public sealed class EmbeddingCacheFingerprint
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="value">The fingerprint text; any stable text that differs whenever the output would.</param>
    public EmbeddingCacheFingerprint(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
    }

    /// <summary>Gets the fingerprint text.</summary>
    public string Value { get; }

    /// <summary>
    /// Builds a fingerprint from named settings, e.g. <c>("dimensions", 256)</c>; the text is <c>name=value</c> pairs in
    /// the given order, with <see langword="null"/> values written as <c>name=</c> followed by a null marker.
    /// </summary>
    /// <param name="settings">The output-affecting settings.</param>
    /// <returns>The fingerprint.</returns>
    public static EmbeddingCacheFingerprint From(params ReadOnlySpan<(string Name, object? Value)> settings)
    {
        var text = new System.Text.StringBuilder();
        foreach ((string name, object? value) in settings)
        {
            ArgumentNullException.ThrowIfNull(name, nameof(settings));
            string? formatted = value is null ? null : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
            text.Append(name.Length).Append(':').Append(name).Append('=');
            text.Append(formatted is null ? "-1:" : $"{formatted.Length}:{formatted}").Append(';');
        }

        return new EmbeddingCacheFingerprint(text.ToString());
    }

    /// <summary>
    /// Returns the values that identify what <paramref name="generator"/> computes: its provider name and URI, default
    /// model id and dimensions (<see cref="EmbeddingGeneratorMetadata"/>) and its <see cref="EmbeddingCacheFingerprint"/>.
    /// Give them to Microsoft.Extensions.AI's distributed cache so that its keys cover the generator too:
    /// <code>builder.UseDistributedCache(cache, c => c.CacheKeyAdditionalValues = EmbeddingCacheFingerprint.GetCacheKeyValues(c))</code>
    /// </summary>
    /// <param name="generator">The generator (or a stage wrapping it).</param>
    /// <returns>The values, nulls written as empty strings.</returns>
    public static string[] GetCacheKeyValues(IEmbeddingGenerator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var metadata = generator.GetService(typeof(EmbeddingGeneratorMetadata)) as EmbeddingGeneratorMetadata;
        var fingerprint = generator.GetService(typeof(EmbeddingCacheFingerprint)) as EmbeddingCacheFingerprint;
        return
        [
            metadata?.ProviderName ?? string.Empty,
            metadata?.ProviderUri?.ToString() ?? string.Empty,
            metadata?.DefaultModelId ?? string.Empty,
            metadata?.DefaultModelDimensions?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
            fingerprint?.Value ?? string.Empty,
        ];
    }

    /// <inheritdoc />
    public override string ToString() => Value;
}
