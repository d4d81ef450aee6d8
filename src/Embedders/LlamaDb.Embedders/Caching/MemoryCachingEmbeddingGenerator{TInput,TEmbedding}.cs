using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaDb.Embedders;

/// <summary>
/// A Microsoft.Extensions.AI <see cref="CachingEmbeddingGenerator{TInput, TEmbedding}"/> over an in-process
/// least-recently-used cache bounded by entry count and optionally by bytes (<see cref="EmbeddingCacheOptions"/>).
/// Each input gets a key hashing (SHA-256) what the inner generator is (provider name and URI, default model id and
/// dimensions, its <see cref="EmbeddingCacheFingerprint"/>), the options that change the output
/// (<see cref="EmbeddingGenerationOptions.ModelId"/>, <see cref="EmbeddingGenerationOptions.Dimensions"/>,
/// <see cref="EmbeddingGenerationOptions.AdditionalProperties"/> such as <c>input_type</c>) and the input itself. Hits are
/// served without calling the inner generator; all misses of one call go to it in a single call, each distinct input
/// once; results come back in input order, with the inner usage (which covers only the misses). Thread safe.
/// </summary>
/// <remarks>
/// Calls whose options carry a <see cref="EmbeddingGenerationOptions.RawRepresentationFactory"/> bypass the cache: what
/// that factory changes cannot be part of a key, and serving a stale vector would be a silent wrong answer. A cache
/// failure is logged and treated as a miss (read) or ignored (write); it never fails a call. Hits return the cached
/// embedding instance itself; treat returned embeddings as read-only.
/// </remarks>
/// <typeparam name="TInput">The input type.</typeparam>
/// <typeparam name="TEmbedding">The embedding type.</typeparam>
public sealed class MemoryCachingEmbeddingGenerator<TInput, TEmbedding> : CachingEmbeddingGenerator<TInput, TEmbedding>
    where TEmbedding : Embedding
{
    /// <summary>The estimated bytes an entry costs besides its vector and key (node, record, embedding object).</summary>
    internal const int EntryOverheadBytes = 128;

    /// <summary>The prefix of every key; bump the version when the key derivation changes.</summary>
    internal const string KeyPrefix = "llamadb:embedding:v2:";

    /// <summary>The embedding type's name without assembly versions, so keys survive runtime and package upgrades.</summary>
    private static readonly string s_embeddingTypeName = StableTypeName(typeof(TEmbedding));

    /// <summary>Stands in for absent options so that <see langword="null"/> and empty options share keys.</summary>
    private static readonly EmbeddingGenerationOptions s_noOptions = new();

    private readonly LruCache<TEmbedding> _cache;
    private readonly ILogger _logger;
    private byte[]? _generatorIdentity;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="innerGenerator">The generator that computes misses.</param>
    /// <param name="options">The cache bounds; defaults apply when <see langword="null"/>.</param>
    /// <param name="logger">Logs cache failures; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public MemoryCachingEmbeddingGenerator(IEmbeddingGenerator<TInput, TEmbedding> innerGenerator, EmbeddingCacheOptions? options = null, ILogger? logger = null)
        : base(innerGenerator)
    {
        EmbeddingCacheOptions validated = (options ?? new EmbeddingCacheOptions()).Validated();
        _cache = new LruCache<TEmbedding>(validated.MaxEntries, validated.MaxBytes);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the number of cached embeddings.</summary>
    public int Count => _cache.Count;

    /// <summary>Gets the estimated bytes the cached embeddings take (the quantity <see cref="EmbeddingCacheOptions.MaxBytes"/> bounds).</summary>
    public long SizeInBytes => _cache.Bytes;

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
            return await InnerGenerator.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
        }

        TInput[] inputs = values as TInput[] ?? [.. values];
        if (inputs.Length == 0)
        {
            return [];
        }

        var results = new TEmbedding?[inputs.Length];
        List<TInput>? missInputs = null;
        List<string>? missKeys = null;
        Dictionary<string, int>? missSlotByKey = null;
        int[]? missSlots = null;
        for (int i = 0; i < inputs.Length; i++)
        {
            string key = ComputeKey(inputs[i], options);
            results[i] = await TryReadAsync(key, cancellationToken).ConfigureAwait(false);
            if (results[i] is not null)
            {
                continue;
            }

            missInputs ??= [];
            missKeys ??= [];
            missSlotByKey ??= new(StringComparer.Ordinal);
            missSlots ??= new int[inputs.Length];
            if (!missSlotByKey.TryGetValue(key, out int slot))
            {
                slot = missInputs.Count;
                missSlotByKey.Add(key, slot);
                missInputs.Add(inputs[i]);
                missKeys.Add(key);
            }

            missSlots[i] = slot;
        }

        if (missInputs is null)
        {
            return new GeneratedEmbeddings<TEmbedding>(results!); // every slot was filled by a hit above
        }

        GeneratedEmbeddings<TEmbedding> generated = await InnerGenerator.GenerateAsync(missInputs, options, cancellationToken).ConfigureAwait(false)
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
            await TryWriteAsync(missKeys![slot], embedding, cancellationToken).ConfigureAwait(false); // set with missInputs
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
    /// Computes the cache key of one input: <c>llamadb:embedding:v2:</c> followed by the lowercase hex SHA-256 of the
    /// embedding type; the inner generator's provider name, provider URI, default model id, default dimensions and
    /// <see cref="EmbeddingCacheFingerprint"/>; then each of <paramref name="values"/> (Microsoft.Extensions.AI passes the
    /// input and the call's options: model id, dimensions and additional properties sorted by name).
    /// </summary>
    /// <param name="values">The values to inform the key.</param>
    /// <returns>The key.</returns>
    protected override string GetCacheKey(params ReadOnlySpan<object?> values)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(_generatorIdentity ??= ComputeGeneratorIdentity(InnerGenerator)); // a race only computes it twice
        AppendInt32(hash, values.Length);
        foreach (object? value in values)
        {
            switch (value)
            {
                case null:
                    AppendInt32(hash, 0);
                    break;
                case string text:
                    AppendInt32(hash, 1);
                    AppendString(hash, text);
                    break;
                case EmbeddingGenerationOptions options:
                    AppendInt32(hash, 2);
                    AppendOptions(hash, options);
                    break;
                default:
                    AppendInt32(hash, 3);
                    AppendBytes(hash, JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), KeySerializerOptions));
                    break;
            }
        }

        return KeyPrefix + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The key of <paramref name="value"/> under <paramref name="options"/>, as <see cref="GenerateAsync"/> computes it.</summary>
    internal string ComputeKey(TInput value, EmbeddingGenerationOptions? options) => GetCacheKey(value, options ?? s_noOptions);

    /// <inheritdoc />
    protected override Task<TEmbedding?> ReadCacheAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_cache.TryGet(key, out TEmbedding? value) ? value : null);
    }

    /// <inheritdoc />
    protected override Task WriteCacheAsync(string key, TEmbedding value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        _cache.Set(key, value, EstimateSize(key, value));
        return Task.CompletedTask;
    }

    /// <summary>Estimates what one entry costs: vector payload + key characters + model id characters + a fixed overhead.</summary>
    internal static long EstimateSize(string key, Embedding embedding)
    {
        long vectorBytes = embedding switch
        {
            Embedding<float> e => (long)e.Vector.Length * sizeof(float),
            Embedding<double> e => (long)e.Vector.Length * sizeof(double),
            Embedding<Half> e => (long)e.Vector.Length * 2,
            Embedding<byte> e => e.Vector.Length,
            Embedding<sbyte> e => e.Vector.Length,
            Embedding<int> e => (long)e.Vector.Length * sizeof(int),
            BinaryEmbedding e => (e.Vector.Length + 7) / 8,
            _ => (long)embedding.Dimensions * sizeof(float),
        };
        return vectorBytes + (2L * key.Length) + (2L * (embedding.ModelId?.Length ?? 0)) + EntryOverheadBytes;
    }

    private async Task<TEmbedding?> TryReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadCacheAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            CacheLog.ReadFailed(_logger, e);
            return null;
        }
    }

    private async Task TryWriteAsync(string key, TEmbedding value, CancellationToken cancellationToken)
    {
        try
        {
            await WriteCacheAsync(key, value, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            CacheLog.WriteFailed(_logger, e);
        }
    }

    private static byte[] ComputeGeneratorIdentity(IEmbeddingGenerator inner)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendString(hash, s_embeddingTypeName);
        foreach (string part in EmbeddingCacheFingerprint.GetCacheKeyValues(inner))
        {
            AppendString(hash, part);
        }

        return hash.GetHashAndReset();
    }

    private void AppendOptions(IncrementalHash hash, EmbeddingGenerationOptions options)
    {
        AppendString(hash, options.ModelId);
        AppendInt32(hash, options.Dimensions ?? -1);
        if (options.AdditionalProperties is not { Count: > 0 } properties)
        {
            AppendInt32(hash, 0);
            return;
        }

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

    private static string StableTypeName(Type type) =>
        type.IsGenericType
            ? $"{type.Namespace}.{type.Name}[{string.Join(",", type.GetGenericArguments().Select(StableTypeName))}]"
            : type.FullName ?? type.Name;

    private static void AppendInt32(IncrementalHash hash, int value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, value);
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
