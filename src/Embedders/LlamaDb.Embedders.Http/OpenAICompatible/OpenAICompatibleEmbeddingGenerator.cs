using LlamaDb.Embedders;
using System.Text.Json;
using LlamaDb.Embedders.Http.Internal;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaDb.Embedders.Http;

/// <summary>
/// An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over an OpenAI-compatible <c>POST /v1/embeddings</c> server
/// (Ollama, Hugging Face TEI, vLLM, LM Studio, llama.cpp's server). Inputs are cut into requests by count and estimated
/// tokens, sent with a bounded number in flight, retried on transient failures and returned in input order.
/// </summary>
public sealed class OpenAICompatibleEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The provider name in metadata and exceptions.</summary>
    public const string ProviderName = "openai-compatible";

    private readonly OpenAICompatibleEmbeddingOptions _options;
    private readonly Uri _uri;
    private readonly HttpEmbeddingTransport _transport;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly EmbeddingGeneratorMetadata _metadata;
    private readonly EmbeddingCacheFingerprint _fingerprint;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The options; copied, so later changes have no effect.</param>
    /// <param name="httpClient">The client to send requests with (not disposed by this generator); a new one when <see langword="null"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">A setting is missing or out of range; the message names it.</exception>
    public OpenAICompatibleEmbeddingGenerator(OpenAICompatibleEmbeddingOptions options, HttpClient? httpClient = null, ILogger? logger = null)
        : this(options, httpClient, logger, TimeProvider.System)
    {
    }

    internal OpenAICompatibleEmbeddingGenerator(OpenAICompatibleEmbeddingOptions options, HttpClient? httpClient, ILogger? logger, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options.Clone();
        _options.Validate();
        _logger = logger ?? NullLogger.Instance;
        _timeProvider = timeProvider;

        // Validate() checked Endpoint is set.
        Uri endpoint = _options.Endpoint!;
        _uri = Endpoints.Combine(endpoint, "v1", "embeddings");
        _transport = new HttpEmbeddingTransport(ProviderName, httpClient, _options.ApiKey, _options.ToSettings(), timeProvider, _logger);
        _metadata = new EmbeddingGeneratorMetadata(ProviderName, endpoint, _options.Model, _options.Dimensions);
        TextPrefixes? p = _options.Prefixes;
        _fingerprint = EmbeddingCacheFingerprint.From(
            ("model", _options.Model),
            ("input_type", InputTypes.Normalize(_options.InputType, "InputType")),
            ("query_prefix", p is null ? _options.QueryPrefix : p.Query),
            ("document_prefix", p is null ? _options.DocumentPrefix : p.Document),
            ("classification_prefix", p is null ? _options.DocumentPrefix : p.Classification),
            ("clustering_prefix", p is null ? _options.DocumentPrefix : p.Clustering));
    }

    /// <inheritdoc />
    /// <remarks>
    /// <see cref="EmbeddingGenerationOptions.ModelId"/> and <see cref="EmbeddingGenerationOptions.Dimensions"/> override
    /// the options; <c>AdditionalProperties["input_type"]</c> (see <see cref="EmbeddingInputTypes"/>) picks the prefix.
    /// </remarks>
    /// <exception cref="EmbeddingProviderException">The server refused the request or kept failing; carries the status and its message.</exception>
    /// <exception cref="EmbeddingProviderException">The server's response was malformed or had the wrong number of vectors (<see cref="Exception.InnerException"/> is an <see cref="InvalidDataException"/>), or timed out (a <see cref="TimeoutException"/>).</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        int? dimensions = options?.Dimensions ?? _options.Dimensions;
        if (dimensions is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), dimensions, "EmbeddingGenerationOptions.Dimensions must be positive.");
        }

        string inputType = InputTypes.Normalize(InputTypes.FromOptions(options, _options.InputType), "AdditionalProperties[\"input_type\"]");
        string? prefix = _options.Prefixes is { } prefixes ? prefixes.GetPrefix(inputType)
            : inputType == EmbeddingInputTypes.SearchQuery ? _options.QueryPrefix
            : _options.DocumentPrefix;
        string[] inputs = JsonBodies.ToInputArray(values, prefix);
        if (inputs.Length == 0)
        {
            return [];
        }

        var costs = new long[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            costs[i] = TokenEstimator.Estimate(inputs[i]);
        }

        List<InputBatch> batches = BatchRunner.Plan(costs, _options.MaxBatchSize, _options.MaxTokensPerRequest, _options.MaxTokensPerInput);
        var request = new BatchRequest(inputs, options?.ModelId ?? _options.Model, dimensions, new Embedding<float>[inputs.Length]);
        long? tokens = await BatchRunner.RunAsync(
            batches, _transport, (batch, ct) => SendBatchAsync(request, batch, ct), _logger, cancellationToken).ConfigureAwait(false);

        return new GeneratedEmbeddings<Embedding<float>>(request.Results)
        {
            Usage = tokens is { } billed ? new UsageDetails { InputTokenCount = billed, TotalTokenCount = billed } : null,
        };
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        GeneratorServices.GetService(this, serviceType, serviceKey, _metadata, _fingerprint, _transport);

    /// <inheritdoc />
    public void Dispose() => _transport.Dispose();

    private async Task<long?> SendBatchAsync(BatchRequest request, InputBatch batch, CancellationToken cancellationToken)
    {
        byte[] body = JsonBodies.Write((Request: request, Batch: batch, Format: _options.EncodingFormat), static (writer, state) =>
        {
            writer.WriteStartObject();
            if (state.Request.Model is not null)
            {
                writer.WriteString("model", state.Request.Model);
            }

            JsonBodies.WriteStrings(writer, "input", state.Request.Inputs, state.Batch);
            writer.WriteString("encoding_format", state.Format == EmbeddingEncodingFormat.Base64 ? "base64" : "float");
            if (state.Request.Dimensions is { } dimensions)
            {
                writer.WriteNumber("dimensions", dimensions);
            }

            writer.WriteEndObject();
        });

        byte[] response = await _transport.PostAsync(_uri, body, batch.Count, cancellationToken).ConfigureAwait(false);
        (float[][] vectors, long? promptTokens, string? model) = ProviderErrors.Malformed(
            ProviderName, () => OpenAICompatibleResponseParser.Parse(response, batch.Count, request.Dimensions));
        DateTimeOffset createdAt = _timeProvider.GetUtcNow();
        for (int i = 0; i < vectors.Length; i++)
        {
            request.Results[batch.Start + i] = new Embedding<float>(vectors[i]) { ModelId = model ?? request.Model, CreatedAt = createdAt };
        }

        return promptTokens;
    }

    private sealed record BatchRequest(string[] Inputs, string? Model, int? Dimensions, Embedding<float>[] Results);
}
