using Microsoft.Extensions.AI;

namespace LlamaDb.Tests;

/// <summary>
/// A deterministic <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> for tests: bag-of-words hashing. Each word
/// (lower-cased, split on anything that is not a letter or digit) adds 1 to the dimension its FNV-1a hash picks; the
/// vector is then L2-normalized. Equal texts get equal unit vectors, texts sharing words get similar ones, and texts
/// with no word in common are orthogonal unless their words collide. Calls and inputs are recorded.
/// </summary>
/// <param name="dimensions">The number of dimensions of the embeddings.</param>
public sealed class TestEmbeddingGenerator(int dimensions) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly Lock _lock = new();
    private readonly List<IReadOnlyList<string>> _calls = [];

    /// <summary>The number of dimensions of the embeddings.</summary>
    public int Dimensions { get; } = dimensions > 0 ? dimensions : throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, "Dimensions must be positive.");

    /// <summary>The number of <see cref="GenerateAsync"/> calls so far.</summary>
    public int CallCount
    {
        get
        {
            lock (_lock)
            {
                return _calls.Count;
            }
        }
    }

    /// <summary>The inputs of every call so far, one list per call, in call order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Every input embedded so far, in order.</summary>
    public IReadOnlyList<string> Inputs
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls.SelectMany(call => call)];
            }
        }
    }

    /// <summary>The embedding of <paramref name="text"/> (what <see cref="GenerateAsync"/> returns for it), without recording a call.</summary>
    public float[] Embed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var vector = new float[Dimensions];
        foreach (string word in Words(text))
        {
            vector[(int)(Fnv1a(word) % (uint)Dimensions)] += 1f;
        }

        double norm = 0;
        foreach (float value in vector)
        {
            norm += value * value;
        }

        if (norm == 0)
        {
            // No words: a fixed unit vector, so the result is still normalized and deterministic.
            vector[0] = 1f;
            return vector;
        }

        float scale = (float)(1 / Math.Sqrt(norm));
        for (int i = 0; i < vector.Length; i++)
        {
            vector[i] *= scale;
        }

        return vector;
    }

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        cancellationToken.ThrowIfCancellationRequested();
        string[] inputs = [.. values];
        lock (_lock)
        {
            _calls.Add(inputs);
        }

        var embeddings = new GeneratedEmbeddings<Embedding<float>>(inputs.Length);
        foreach (string input in inputs)
        {
            embeddings.Add(new Embedding<float>(Embed(input)) { ModelId = "test-bag-of-words" });
        }

        return Task.FromResult(embeddings);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return new EmbeddingGeneratorMetadata("test", defaultModelId: "test-bag-of-words", defaultModelDimensions: Dimensions);
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static IEnumerable<string> Words(string text)
    {
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool wordChar = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (wordChar && start < 0)
            {
                start = i;
            }
            else if (!wordChar && start >= 0)
            {
                yield return text[start..i].ToLowerInvariant();
                start = -1;
            }
        }
    }

    private static uint Fnv1a(string word)
    {
        uint hash = 2166136261;
        foreach (char c in word)
        {
            hash = (hash ^ c) * 16777619;
        }

        return hash;
    }
}
