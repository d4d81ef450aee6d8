using System.Collections;
using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders.Onnx;

/// <summary>
/// Storage-saving forms of float embeddings, like sentence-transformers' <c>precision</c>: int8 with a symmetric
/// per-vector scale, and binary sign bits.
/// </summary>
public static class EmbeddingQuantization
{
    /// <summary>The key under which an int8 embedding carries its scale (float value ≈ int8 value × scale).</summary>
    public const string ScaleProperty = "scale";

    /// <summary>
    /// Quantizes to int8 with a symmetric per-vector scale: <c>scale = max|v| / 127</c>, <c>q = round(v / scale)</c>.
    /// The scale is kept in <c>AdditionalProperties["scale"]</c>.
    /// </summary>
    public static Embedding<sbyte> ToInt8(Embedding<float> embedding)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        ReadOnlySpan<float> source = embedding.Vector.Span;
        float maxAbs = 0f;
        foreach (float v in source)
        {
            maxAbs = MathF.Max(maxAbs, MathF.Abs(v));
        }

        float scale = maxAbs > 0f ? maxAbs / 127f : 1f;
        var quantized = new sbyte[source.Length];
        for (int i = 0; i < source.Length; i++)
        {
            quantized[i] = (sbyte)Math.Clamp(MathF.Round(source[i] / scale), -127f, 127f);
        }

        return new Embedding<sbyte>(quantized)
        {
            ModelId = embedding.ModelId,
            CreatedAt = embedding.CreatedAt,
            AdditionalProperties = CopyWith(embedding.AdditionalProperties, ScaleProperty, scale),
        };
    }

    /// <summary>Back to floats: <c>q × scale</c>.</summary>
    public static float[] Dequantize(Embedding<sbyte> embedding)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        float scale = embedding.AdditionalProperties?.TryGetValue(ScaleProperty, out object? s) == true && s is float f ? f : 1f;
        ReadOnlySpan<sbyte> source = embedding.Vector.Span;
        var result = new float[source.Length];
        for (int i = 0; i < source.Length; i++)
        {
            result[i] = source[i] * scale;
        }

        return result;
    }

    /// <summary>One bit per dimension: set where the value is positive (sentence-transformers' binary precision).</summary>
    public static BinaryEmbedding ToBinary(Embedding<float> embedding)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        ReadOnlySpan<float> source = embedding.Vector.Span;
        var bits = new BitArray(source.Length);
        for (int i = 0; i < source.Length; i++)
        {
            bits[i] = source[i] > 0f;
        }

        return new BinaryEmbedding(bits)
        {
            ModelId = embedding.ModelId,
            CreatedAt = embedding.CreatedAt,
            AdditionalProperties = CopyWith(embedding.AdditionalProperties, null, null),
        };
    }

    /// <summary>Wraps a float generator so it returns int8 embeddings.</summary>
    public static IEmbeddingGenerator<string, Embedding<sbyte>> AsInt8EmbeddingGenerator(this IEmbeddingGenerator<string, Embedding<float>> generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return new QuantizingEmbeddingGenerator<Embedding<sbyte>>(generator, ToInt8);
    }

    /// <summary>Wraps a float generator so it returns binary (sign-bit) embeddings.</summary>
    public static IEmbeddingGenerator<string, BinaryEmbedding> AsBinaryEmbeddingGenerator(this IEmbeddingGenerator<string, Embedding<float>> generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return new QuantizingEmbeddingGenerator<BinaryEmbedding>(generator, ToBinary);
    }

    private static AdditionalPropertiesDictionary? CopyWith(AdditionalPropertiesDictionary? source, string? key, object? value)
    {
        if (source is null && key is null)
        {
            return null;
        }

        var copy = source is null ? [] : new AdditionalPropertiesDictionary(source);
        if (key is not null)
        {
            copy[key] = value;
        }

        return copy;
    }

    private sealed class QuantizingEmbeddingGenerator<TEmbedding>(
        IEmbeddingGenerator<string, Embedding<float>> inner,
        Func<Embedding<float>, TEmbedding> convert) : IEmbeddingGenerator<string, TEmbedding>
        where TEmbedding : Embedding
    {
        public async Task<GeneratedEmbeddings<TEmbedding>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            GeneratedEmbeddings<Embedding<float>> floats = await inner.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
            var result = new GeneratedEmbeddings<TEmbedding>(floats.Count) { Usage = floats.Usage, AdditionalProperties = floats.AdditionalProperties };
            foreach (Embedding<float> embedding in floats)
            {
                result.Add(convert(embedding));
            }

            return result;
        }

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceKey is null && serviceType.IsInstanceOfType(this) ? this : inner.GetService(serviceType, serviceKey);

        public void Dispose() => inner.Dispose();
    }
}
