using System.Collections;
using System.Reflection;
using Microsoft.Extensions.AI;

namespace LlamaDb.VectorData.ProviderServices;

/// <summary>A vector property of a collection model, with its resolved distance function, index kind and generator.</summary>
public sealed class VectorPropertyModel(string modelName, string storageName, Type type, PropertyInfo? property)
    : PropertyModel(modelName, storageName, type, property)
{
    /// <summary>The number of dimensions.</summary>
    public required int Dimensions { get; init; }

    /// <summary>The distance function (defaults resolved).</summary>
    public required string DistanceFunction { get; init; }

    /// <summary>The index kind (defaults resolved).</summary>
    public required string IndexKind { get; init; }

    /// <summary>The generator for properties whose values are embedded (null when the property holds vectors).</summary>
    public IEmbeddingGenerator? EmbeddingGenerator { get; init; }

    /// <summary>Whether the property's values are inputs to embed (for example strings) rather than vectors.</summary>
    public bool RequiresEmbedding => !VectorTypes.IsVectorType(Type);

    /// <summary>Whether the property holds binary vectors (<see cref="BitArray"/> or <see cref="BinaryEmbedding"/>).</summary>
    public bool IsBinary => VectorTypes.IsBinaryType(Type);

    /// <summary>Embeds <paramref name="inputs"/> in one batched call to the property's generator.</summary>
    public async Task<IReadOnlyList<ReadOnlyMemory<float>>> GenerateEmbeddingsAsync(IReadOnlyList<object?> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (EmbeddingGenerator is not IEmbeddingGenerator<string, Embedding<float>> generator)
        {
            throw new InvalidOperationException($"The vector property '{ModelName}' has no IEmbeddingGenerator<string, Embedding<float>> to embed its values.");
        }

        var texts = new string[inputs.Count];
        for (int i = 0; i < texts.Length; i++)
        {
            texts[i] = inputs[i] as string
                ?? throw new ArgumentException($"The vector property '{ModelName}' of record {i} is null or not a string; it cannot be embedded.", nameof(inputs));
        }

        if (texts.Length == 0)
        {
            return [];
        }

        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(texts, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (embeddings.Count != texts.Length)
        {
            throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings for {texts.Length} inputs.");
        }

        var vectors = new ReadOnlyMemory<float>[texts.Length];
        for (int i = 0; i < vectors.Length; i++)
        {
            vectors[i] = CheckDimensions(embeddings[i].Vector);
        }

        return vectors;
    }

    /// <summary>
    /// Embeds this property's input on each of <paramref name="records"/> in one batched call; the result has one entry
    /// per record, null where the record's input is null.
    /// </summary>
    public async Task<ReadOnlyMemory<float>?[]> GenerateRecordEmbeddingsAsync(IReadOnlyList<object> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        var inputs = new List<object?>();
        var positions = new List<int>();
        for (int i = 0; i < records.Count; i++)
        {
            if (GetValue(records[i]) is { } input)
            {
                inputs.Add(input);
                positions.Add(i);
            }
        }

        IReadOnlyList<ReadOnlyMemory<float>> embedded = await GenerateEmbeddingsAsync(inputs, cancellationToken).ConfigureAwait(false);
        var result = new ReadOnlyMemory<float>?[records.Count];
        for (int j = 0; j < positions.Count; j++)
        {
            result[positions[j]] = embedded[j];
        }

        return result;
    }

    /// <summary>Checks a vector's length against <see cref="Dimensions"/>.</summary>
    public ReadOnlyMemory<float> CheckDimensions(ReadOnlyMemory<float> vector)
    {
        if (vector.Length != Dimensions)
        {
            throw new ArgumentException($"The vector property '{ModelName}' has {Dimensions} dimensions, but a vector of {vector.Length} was given.");
        }

        return vector;
    }
}
