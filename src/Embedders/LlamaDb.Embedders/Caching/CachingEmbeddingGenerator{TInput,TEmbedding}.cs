using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders;

/// <summary>
/// A stage that serves embeddings from a cache: each input gets a key hashing (SHA-256) the inner generator's provider
/// and model id, the options that change the output (<see cref="EmbeddingGenerationOptions.ModelId"/>,
/// <see cref="EmbeddingGenerationOptions.Dimensions"/>, <see cref="EmbeddingGenerationOptions.AdditionalProperties"/>
/// such as <c>input_type</c>) and the input itself. Hits are served without calling the inner generator; all misses of
/// one call go to the inner generator in a single call; results come back in input order.
/// </summary>
/// <remarks>
/// Calls whose options carry a <see cref="EmbeddingGenerationOptions.RawRepresentationFactory"/> bypass the cache: what
/// that factory changes cannot be part of a key, and serving a stale vector would be a silent wrong answer.
/// Identical inputs within one call are sent to the inner generator once. Usage in the result covers only the misses.
/// </remarks>
/// <typeparam name="TInput">The input type.</typeparam>
/// <typeparam name="TEmbedding">The embedding type.</typeparam>
public abstract class CachingEmbeddingGenerator<TInput, TEmbedding> : DelegatingEmbeddingGenerator<TInput, TEmbedding>
    where TEmbedding : Embedding
{
    /// <summary>The prefix of every key; bump the version when the key derivation changes.</summary>
    private const string KeyPrefix = "llamadb:embedding:v1:";

    /// <summary>The embedding type's name without assembly versions, so keys survive runtime and package upgrades.</summary>
    private static readonly string s_embeddingTypeName = StableTypeName(typeof(TEmbedding));

    private EmbeddingGeneratorMetadata? _innerMetadata;
    private bool _innerMetadataRead;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="innerGenerator">The generator that computes misses.</param>
    protected CachingEmbeddingGenerator(IEmbeddingGenerator<TInput, TEmbedding> innerGenerator)
        : base(innerGenerator)
    {
    }

    /// <summary>
    /// Gets or sets the serializer options used to turn non-string inputs and option values into key bytes.
    /// Defaults to <see cref="AIJsonUtilities.DefaultOptions"/>.
    /// </summary>
    public JsonSerializerOptions KeySerializerOptions
    {
        get;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    } = AIJsonUtilities.DefaultOptions;

    /// <inheritdoc />
    public override async Task<GeneratedEmbeddings<TEmbedding>> GenerateAsync(
        IEnumerable<TInput> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.RawRepresentationFactory is not null)
        {
            return await base.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
        }

        TInput[] inputs = values as TInput[] ?? [.. values];
        if (inputs.Length == 0)
        {
            return [];
        }

        var keys = new string[inputs.Length];
        var reads = new Task<TEmbedding?>[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            keys[i] = GetCacheKey(inputs[i], options);
            reads[i] = ReadCacheAsync(keys[i], cancellationToken);
        }

        var results = new TEmbedding?[inputs.Length];
        List<TInput>? missInputs = null;
        List<string>? missKeys = null;
        Dictionary<string, int>? missSlotByKey = null;
        int[]? missSlots = null;
        for (int i = 0; i < inputs.Length; i++)
        {
            results[i] = await reads[i].ConfigureAwait(false);
            if (results[i] is not null)
            {
                continue;
            }

            missInputs ??= [];
            missKeys ??= [];
            missSlotByKey ??= new(StringComparer.Ordinal);
            missSlots ??= new int[inputs.Length];
            if (!missSlotByKey.TryGetValue(keys[i], out int slot))
            {
                slot = missInputs.Count;
                missSlotByKey.Add(keys[i], slot);
                missInputs.Add(inputs[i]);
                missKeys.Add(keys[i]);
            }

            missSlots[i] = slot;
        }

        if (missInputs is null)
        {
            return new GeneratedEmbeddings<TEmbedding>(results!); // every slot was filled by a hit above
        }

        GeneratedEmbeddings<TEmbedding> generated = await base.GenerateAsync(missInputs, options, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The inner embedding generator returned null.");
        if (generated.Count != missInputs.Count)
        {
            throw new InvalidOperationException(
                $"The inner embedding generator returned {generated.Count} embeddings for {missInputs.Count} inputs.");
        }

        for (int slot = 0; slot < generated.Count; slot++)
        {
            TEmbedding embedding = generated[slot]
                ?? throw new InvalidOperationException($"The inner embedding generator returned null for input {slot} of the misses.");
            await WriteCacheAsync(missKeys![slot], embedding, cancellationToken).ConfigureAwait(false); // set with missInputs
        }

        for (int i = 0; i < inputs.Length; i++)
        {
            results[i] ??= generated[missSlots![i]]; // missSlots exists once any miss was seen
        }

        return new GeneratedEmbeddings<TEmbedding>(results!) // every slot is a hit or an inner result
        {
            Usage = generated.Usage,
            AdditionalProperties = generated.AdditionalProperties,
        };
    }

    /// <summary>
    /// Computes the cache key of one input: <c>llamadb:embedding:v1:</c> followed by the lowercase hex SHA-256 of the
    /// embedding type, the inner generator's provider name and default model id, the options' model id, dimensions and
    /// additional properties (sorted by name), and the input.
    /// </summary>
    /// <param name="value">The input.</param>
    /// <param name="options">The call's options.</param>
    /// <returns>The key.</returns>
    protected virtual string GetCacheKey(TInput value, EmbeddingGenerationOptions? options)
    {
        EmbeddingGeneratorMetadata? metadata = GetInnerMetadata();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendString(hash, s_embeddingTypeName);
        AppendString(hash, metadata?.ProviderName);
        AppendString(hash, metadata?.DefaultModelId);
        AppendString(hash, options?.ModelId);
        AppendInt32(hash, options?.Dimensions ?? -1);
        if (options?.AdditionalProperties is { Count: > 0 } properties)
        {
            AppendInt32(hash, properties.Count);
            string[] names = [.. properties.Keys];
            Array.Sort(names, StringComparer.Ordinal);
            foreach (string name in names)
            {
                AppendString(hash, name);
                object? propertyValue = properties[name];
                AppendBytes(hash, propertyValue is null ? null : JsonSerializer.SerializeToUtf8Bytes(propertyValue, propertyValue.GetType(), KeySerializerOptions));
            }
        }
        else
        {
            AppendInt32(hash, 0);
        }

        if (value is string text)
        {
            AppendString(hash, text);
        }
        else
        {
            AppendBytes(hash, value is null ? null : JsonSerializer.SerializeToUtf8Bytes(value, typeof(TInput), KeySerializerOptions));
        }

        return KeyPrefix + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Reads a cached embedding.</summary>
    /// <param name="key">The key from <see cref="GetCacheKey(TInput, EmbeddingGenerationOptions?)"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The embedding, or <see langword="null"/> on a miss.</returns>
    protected abstract Task<TEmbedding?> ReadCacheAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores an embedding.</summary>
    /// <param name="key">The key from <see cref="GetCacheKey(TInput, EmbeddingGenerationOptions?)"/>.</param>
    /// <param name="value">The embedding.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the value is stored.</returns>
    protected abstract Task WriteCacheAsync(string key, TEmbedding value, CancellationToken cancellationToken);

    private EmbeddingGeneratorMetadata? GetInnerMetadata()
    {
        // Metadata describes the inner generator and does not change; a race only reads it twice.
        if (!_innerMetadataRead)
        {
            _innerMetadata = InnerGenerator.GetService(typeof(EmbeddingGeneratorMetadata)) as EmbeddingGeneratorMetadata;
            _innerMetadataRead = true;
        }

        return _innerMetadata;
    }

    private static string StableTypeName(Type type) =>
        type.IsGenericType
            ? $"{type.Namespace}.{type.Name}[{string.Join(",", type.GetGenericArguments().Select(StableTypeName))}]"
            : type.FullName ?? type.Name;

    private static void AppendInt32(IncrementalHash hash, int value)
    {
        Span<byte> buffer = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(buffer, value);
        hash.AppendData(buffer);
    }

    private static void AppendString(IncrementalHash hash, string? value) =>
        AppendBytes(hash, value is null ? null : Encoding.UTF8.GetBytes(value));

    // Length-prefixed so that field boundaries cannot shift ("ab"+"c" differs from "a"+"bc"); -1 marks null.
    private static void AppendBytes(IncrementalHash hash, byte[]? value)
    {
        AppendInt32(hash, value?.Length ?? -1);
        if (value is not null)
        {
            hash.AppendData(value);
        }
    }
}
