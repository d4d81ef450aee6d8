using System.Collections;
using System.Text.Json;
using LlamaDb.Embedders.Http.Internal;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaDb.Embedders.Http;

/// <summary>
/// An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over Cohere's <c>POST /v2/embed</c> (and servers that speak it).
/// Texts go in requests of at most 96, with a bounded number in flight, retried on transient failures, and come back in
/// input order. Besides floats it returns Cohere's quantized forms: <see cref="GenerateInt8Async"/>,
/// <see cref="GenerateUInt8Async"/>, <see cref="GenerateBinaryAsync"/>, or several at once with <see cref="GenerateByTypeAsync"/>.
/// </summary>
public sealed class CohereEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The provider name in metadata and exceptions.</summary>
    public const string ProviderName = "cohere";

    private const string TruncatePropertyName = "truncate";

    private readonly CohereEmbeddingOptions _options;
    private readonly Uri _uri;
    private readonly HttpEmbeddingTransport _transport;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly EmbeddingGeneratorMetadata _metadata;
    private readonly EmbeddingCacheFingerprint _fingerprint;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The options; copied, so later changes have no effect. Without an API key, <c>COHERE_API_KEY</c> is read.</param>
    /// <param name="httpClient">The client to send requests with (not disposed by this generator); a new one when <see langword="null"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">A setting is missing or out of range; the message names it.</exception>
    public CohereEmbeddingGenerator(CohereEmbeddingOptions options, HttpClient? httpClient = null, ILogger? logger = null)
        : this(options, httpClient, logger, TimeProvider.System)
    {
    }

    internal CohereEmbeddingGenerator(CohereEmbeddingOptions options, HttpClient? httpClient, ILogger? logger, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options.Clone();
        if (string.IsNullOrWhiteSpace(_options.ApiKey))
        {
            _options.ApiKey = Environment.GetEnvironmentVariable(CohereEmbeddingOptions.ApiKeyEnvironmentVariable);
        }

        _options.Validate();
        _logger = logger ?? NullLogger.Instance;
        _timeProvider = timeProvider;

        // Validate() checked Endpoint is set.
        Uri endpoint = _options.Endpoint!;
        _uri = Endpoints.Combine(endpoint, "v2", "embed");
        _transport = new HttpEmbeddingTransport(ProviderName, httpClient, _options.ApiKey, _options.ToSettings(), timeProvider, _logger);
        _metadata = new EmbeddingGeneratorMetadata(ProviderName, endpoint, _options.Model, _options.Dimensions);
        _fingerprint = EmbeddingCacheFingerprint.From(
            ("input_type", CohereInputs.InputType(_options.InputType, "InputType")),
            ("truncate", CohereInputs.Truncate(_options.Truncate, "Truncate")));
    }

    /// <inheritdoc />
    /// <remarks>
    /// <see cref="EmbeddingGenerationOptions.ModelId"/> and <see cref="EmbeddingGenerationOptions.Dimensions"/> (sent as
    /// <c>output_dimension</c>) override the options, as do <c>AdditionalProperties["input_type"]</c> and <c>["truncate"]</c>.
    /// </remarks>
    /// <exception cref="EmbeddingProviderException">Cohere refused the request or kept failing; carries the status and its message.</exception>
    /// <exception cref="EmbeddingProviderException">The response was malformed or had the wrong number of vectors (<see cref="Exception.InnerException"/> is an <see cref="InvalidDataException"/>), or timed out (a <see cref="TimeoutException"/>).</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        (await GenerateByTypeAsync(values, CohereEmbeddingTypes.Float, options, cancellationToken).ConfigureAwait(false)).Float!; // Float was requested, so it is set.

    /// <summary>Generates <c>int8</c> embeddings: one signed byte per dimension.</summary>
    /// <param name="values">The texts.</param>
    /// <param name="options">Per-request options, as for <see cref="GenerateAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The embeddings, in input order.</returns>
    public async Task<GeneratedEmbeddings<Embedding<sbyte>>> GenerateInt8Async(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        (await GenerateByTypeAsync(values, CohereEmbeddingTypes.Int8, options, cancellationToken).ConfigureAwait(false)).Int8!; // Requested, so set.

    /// <summary>Generates <c>uint8</c> embeddings: one unsigned byte per dimension.</summary>
    /// <param name="values">The texts.</param>
    /// <param name="options">Per-request options, as for <see cref="GenerateAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The embeddings, in input order.</returns>
    public async Task<GeneratedEmbeddings<Embedding<byte>>> GenerateUInt8Async(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        (await GenerateByTypeAsync(values, CohereEmbeddingTypes.UInt8, options, cancellationToken).ConfigureAwait(false)).UInt8!; // Requested, so set.

    /// <summary>Generates binary embeddings (requested as <c>ubinary</c>): one bit per dimension, bit i set when dimension i is positive.</summary>
    /// <param name="values">The texts.</param>
    /// <param name="options">Per-request options, as for <see cref="GenerateAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The embeddings, in input order.</returns>
    public async Task<GeneratedEmbeddings<BinaryEmbedding>> GenerateBinaryAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        (await GenerateByTypeAsync(values, CohereEmbeddingTypes.UBinary, options, cancellationToken).ConfigureAwait(false)).UBinary!; // Requested, so set.

    /// <summary>Returns a view of this generator that produces <c>int8</c> embeddings; disposing the view does nothing.</summary>
    /// <returns>An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of <see cref="Embedding{T}"/> of <see cref="sbyte"/>.</returns>
    public IEmbeddingGenerator<string, Embedding<sbyte>> AsInt8EmbeddingGenerator() =>
        new CohereTypedEmbeddingGenerator<Embedding<sbyte>>(this, static (g, v, o, ct) => g.GenerateInt8Async(v, o, ct));

    /// <summary>Returns a view of this generator that produces <c>uint8</c> embeddings; disposing the view does nothing.</summary>
    /// <returns>An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of <see cref="Embedding{T}"/> of <see cref="byte"/>.</returns>
    public IEmbeddingGenerator<string, Embedding<byte>> AsUInt8EmbeddingGenerator() =>
        new CohereTypedEmbeddingGenerator<Embedding<byte>>(this, static (g, v, o, ct) => g.GenerateUInt8Async(v, o, ct));

    /// <summary>Returns a view of this generator that produces binary embeddings (see <see cref="GenerateBinaryAsync"/>); disposing the view does nothing.</summary>
    /// <returns>An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of <see cref="BinaryEmbedding"/>.</returns>
    public IEmbeddingGenerator<string, BinaryEmbedding> AsBinaryEmbeddingGenerator() =>
        new CohereTypedEmbeddingGenerator<BinaryEmbedding>(this, static (g, v, o, ct) => g.GenerateBinaryAsync(v, o, ct));

    /// <summary>Generates every embedding type in <paramref name="types"/> with one request per batch.</summary>
    /// <param name="values">The texts.</param>
    /// <param name="types">The types to request (sent as <c>embedding_types</c>).</param>
    /// <param name="options">Per-request options, as for <see cref="GenerateAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>One collection per requested type, in input order.</returns>
    /// <exception cref="EmbeddingProviderException">Cohere refused the request or kept failing; carries the status and its message.</exception>
    /// <exception cref="EmbeddingProviderException">The response was malformed or had the wrong number of vectors (<see cref="Exception.InnerException"/> is an <see cref="InvalidDataException"/>), or timed out (a <see cref="TimeoutException"/>).</exception>
    public async Task<CohereEmbeddings> GenerateByTypeAsync(
        IEnumerable<string> values, CohereEmbeddingTypes types, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (types == CohereEmbeddingTypes.None || (types & ~AllTypes) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(types), types, "Request at least one of Float, Int8, UInt8, Binary and UBinary.");
        }

        int? dimensions = options?.Dimensions ?? _options.Dimensions;
        if (dimensions is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), dimensions, "EmbeddingGenerationOptions.Dimensions must be positive.");
        }

        string inputType = CohereInputs.InputType(InputTypes.FromOptions(options, _options.InputType), "AdditionalProperties[\"input_type\"]");
        string? truncate = CohereInputs.Truncate(ReadProperty(options, TruncatePropertyName) ?? _options.Truncate, "AdditionalProperties[\"truncate\"]");
        string[] texts = JsonBodies.ToInputArray(values, prefix: null);
        var request = new BatchRequest(texts, options?.ModelId ?? _options.Model!, inputType, truncate, dimensions, types, new (CohereBatchResult, int)[texts.Length]);
        long? tokens = null;
        if (texts.Length > 0)
        {
            var batches = new List<InputBatch>();
            for (int start = 0; start < texts.Length; start += _options.MaxBatchSize)
            {
                batches.Add(new InputBatch(start, Math.Min(_options.MaxBatchSize, texts.Length - start)));
            }

            tokens = await BatchRunner.RunAsync(
                batches, _transport, (batch, ct) => SendBatchAsync(request, batch, ct), _logger, cancellationToken).ConfigureAwait(false);
        }

        return Assemble(request, tokens);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        GeneratorServices.GetService(this, serviceType, serviceKey, _metadata, _fingerprint, _transport);

    /// <inheritdoc />
    public void Dispose() => _transport.Dispose();

    private const CohereEmbeddingTypes AllTypes =
        CohereEmbeddingTypes.Float | CohereEmbeddingTypes.Int8 | CohereEmbeddingTypes.UInt8 | CohereEmbeddingTypes.Binary | CohereEmbeddingTypes.UBinary;

    private static string? ReadProperty(EmbeddingGenerationOptions? options, string name) =>
        options?.AdditionalProperties is { } properties && properties.TryGetValue(name, out object? value) && value is not null
            ? value as string ?? value.ToString()
            : null;

    private async Task<long?> SendBatchAsync(BatchRequest request, InputBatch batch, CancellationToken cancellationToken)
    {
        byte[] body = JsonBodies.Write((Request: request, Batch: batch), static (writer, state) =>
        {
            BatchRequest r = state.Request;
            writer.WriteStartObject();
            writer.WriteString("model", r.Model);
            JsonBodies.WriteStrings(writer, "texts", r.Texts, state.Batch);
            writer.WriteString("input_type", r.InputType);
            writer.WriteStartArray("embedding_types");
            WriteType(writer, r.Types, CohereEmbeddingTypes.Float, "float");
            WriteType(writer, r.Types, CohereEmbeddingTypes.Int8, "int8");
            WriteType(writer, r.Types, CohereEmbeddingTypes.UInt8, "uint8");
            WriteType(writer, r.Types, CohereEmbeddingTypes.Binary, "binary");
            WriteType(writer, r.Types, CohereEmbeddingTypes.UBinary, "ubinary");
            writer.WriteEndArray();
            if (r.Truncate is not null)
            {
                writer.WriteString("truncate", r.Truncate);
            }

            if (r.Dimensions is { } dimensions)
            {
                writer.WriteNumber("output_dimension", dimensions);
            }

            writer.WriteEndObject();
        });

        byte[] response = await _transport.PostAsync(_uri, body, batch.Count, cancellationToken).ConfigureAwait(false);
        CohereBatchResult result = ProviderErrors.Malformed(
            ProviderName, () => CohereResponseParser.Parse(response, batch.Count, request.Types, request.Dimensions));

        for (int i = 0; i < batch.Count; i++)
        {
            request.Slots[batch.Start + i] = (result, i);
        }

        return result.InputTokens;
    }

    private static void WriteType(Utf8JsonWriter writer, CohereEmbeddingTypes requested, CohereEmbeddingTypes type, string name)
    {
        if (requested.HasFlag(type))
        {
            writer.WriteStringValue(name);
        }
    }

    private CohereEmbeddings Assemble(BatchRequest request, long? tokens)
    {
        DateTimeOffset createdAt = _timeProvider.GetUtcNow();
        CohereEmbeddingTypes types = request.Types;
        GeneratedEmbeddings<Embedding<float>>? floats = types.HasFlag(CohereEmbeddingTypes.Float) ? new(request.Texts.Length) : null;
        GeneratedEmbeddings<Embedding<sbyte>>? int8 = types.HasFlag(CohereEmbeddingTypes.Int8) ? new(request.Texts.Length) : null;
        GeneratedEmbeddings<Embedding<byte>>? uint8 = types.HasFlag(CohereEmbeddingTypes.UInt8) ? new(request.Texts.Length) : null;
        GeneratedEmbeddings<BinaryEmbedding>? binary = types.HasFlag(CohereEmbeddingTypes.Binary) ? new(request.Texts.Length) : null;
        GeneratedEmbeddings<BinaryEmbedding>? ubinary = types.HasFlag(CohereEmbeddingTypes.UBinary) ? new(request.Texts.Length) : null;
        for (int i = 0; i < request.Texts.Length; i++)
        {
            (CohereBatchResult result, int row) = request.Slots[i];

            // Each list is non-null exactly when its type was requested, and the parser then filled that type.
            floats?.Add(new Embedding<float>(result.Float![row]) { ModelId = request.Model, CreatedAt = createdAt });
            int8?.Add(new Embedding<sbyte>(result.Int8![row]) { ModelId = request.Model, CreatedAt = createdAt });
            uint8?.Add(new Embedding<byte>(result.UInt8![row]) { ModelId = request.Model, CreatedAt = createdAt });
            binary?.Add(new BinaryEmbedding(Unpack(result.Binary![row])) { ModelId = request.Model, CreatedAt = createdAt });
            ubinary?.Add(new BinaryEmbedding(Unpack(result.UBinary![row])) { ModelId = request.Model, CreatedAt = createdAt });
        }

        UsageDetails? usage = tokens is { } billed ? new UsageDetails { InputTokenCount = billed, TotalTokenCount = billed } : null;
        floats?.Usage = usage;
        int8?.Usage = usage;
        uint8?.Usage = usage;
        binary?.Usage = usage;
        ubinary?.Usage = usage;

        return new CohereEmbeddings { Float = floats, Int8 = int8, UInt8 = uint8, Binary = binary, UBinary = ubinary, Usage = usage };
    }

    /// <summary>Unpacks bits most significant first (numpy's <c>packbits</c> order, which Cohere uses): bit i is dimension i.</summary>
    private static BitArray Unpack(byte[] packed)
    {
        var bits = new BitArray(packed.Length * 8);
        for (int i = 0; i < bits.Length; i++)
        {
            bits[i] = ((packed[i >> 3] >> (7 - (i & 7))) & 1) != 0;
        }

        return bits;
    }

    private sealed record BatchRequest(
        string[] Texts, string Model, string InputType, string? Truncate, int? Dimensions, CohereEmbeddingTypes Types, (CohereBatchResult Result, int Row)[] Slots);
}
