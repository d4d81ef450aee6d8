using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text.Json;
using LlamaDb.Server.Contracts;
using LlamaDb.Server.Hosting;
using Microsoft.Extensions.AI;

namespace LlamaDb.Server.Endpoints;

/// <summary><c>POST /v1/embeddings</c> (OpenAI-compatible) and <c>POST /v2/embed</c> (Cohere-compatible, float).</summary>
internal static class EmbeddingEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/embeddings", OpenAIAsync)
            .WithTags("Embeddings").WithSummary("OpenAI-compatible embeddings")
            .Accepts<OpenAIEmbeddingRequest>("application/json")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        app.MapPost("/v2/embed", CohereAsync)
            .WithTags("Embeddings").WithSummary("Cohere-compatible embeddings (embedding_types: float)")
            .Accepts<CohereEmbedRequest>("application/json")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static async Task OpenAIAsync(HttpContext context, ServerRuntime runtime)
    {
        OpenAIEmbeddingRequest request = await JsonBody.ReadAsync<OpenAIEmbeddingRequest>(context, runtime.Limits);
        List<string> inputs = ReadInputs(request.Input, runtime.Limits);
        bool base64 = request.EncodingFormat switch
        {
            null or "float" => false,
            "base64" => true,
            _ => throw ProblemException.BadRequest($"'encoding_format' must be 'float' or 'base64', not '{request.EncodingFormat}'."),
        };
        int dimensions = CheckDimensions(request.Dimensions, runtime.Dimensions, "dimensions");

        GeneratedEmbeddings<Embedding<float>> embeddings = await runtime.Embedder.GenerateAsync(inputs, cancellationToken: context.RequestAborted);
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteString("object", "list");
        writer.WriteStartArray("data");
        float[] buffer = new float[dimensions];
        for (int i = 0; i < embeddings.Count; i++)
        {
            ReadOnlySpan<float> vector = Shape(embeddings[i].Vector.Span, dimensions, buffer);
            writer.WriteStartObject();
            writer.WriteString("object", "embedding");
            writer.WriteNumber("index", i);
            if (base64)
            {
                writer.WriteBase64String("embedding", MemoryMarshal.AsBytes(vector)); // little-endian float32, as OpenAI sends
            }
            else
            {
                writer.WriteStartArray("embedding");
                foreach (float value in vector)
                {
                    writer.WriteNumberValue(value);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
            if (writer.BytesPending > 64 * 1024)
            {
                await writer.FlushAsync(context.RequestAborted);
            }
        }

        writer.WriteEndArray();
        writer.WriteString("model", runtime.ModelId);
        long tokens = embeddings.Usage?.InputTokenCount ?? EstimateTokens(inputs);
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", tokens);
        writer.WriteNumber("total_tokens", embeddings.Usage?.TotalTokenCount ?? tokens);
        writer.WriteEndObject();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    private static async Task CohereAsync(HttpContext context, ServerRuntime runtime)
    {
        CohereEmbedRequest request = await JsonBody.ReadAsync<CohereEmbedRequest>(context, runtime.Limits);
        List<string?> texts = request.Texts ?? throw ProblemException.BadRequest("'texts' is missing.");
        if (texts.Count == 0)
        {
            throw ProblemException.BadRequest("'texts' is empty.");
        }

        RequestChecks.Inputs(runtime.Limits, texts.Count, "texts");
        var inputs = new List<string>(texts.Count);
        for (int i = 0; i < texts.Count; i++)
        {
            inputs.Add(RequestChecks.Text(runtime.Limits, texts[i], $"texts[{i}]"));
        }

        if (request.EmbeddingTypes is { Count: > 0 } types && types.Any(t => t != "float"))
        {
            throw ProblemException.BadRequest($"This server returns 'float' embeddings only; 'embedding_types' asked for {string.Join(", ", types)}.");
        }

        int dimensions = CheckDimensions(request.OutputDimension, runtime.Dimensions, "output_dimension");
        var options = new EmbeddingGenerationOptions();
        if (request.InputType is { Length: > 0 } inputType)
        {
            options.AdditionalProperties = new() { ["input_type"] = inputType.ToLowerInvariant() };
        }

        GeneratedEmbeddings<Embedding<float>> embeddings = await runtime.Embedder.GenerateAsync(inputs, options, context.RequestAborted);
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteString("id", Guid.NewGuid().ToString("N"));
        writer.WriteString("response_type", "embeddings_by_type");
        writer.WriteStartObject("embeddings");
        writer.WriteStartArray("float");
        float[] buffer = new float[dimensions];
        foreach (Embedding<float> embedding in embeddings)
        {
            writer.WriteStartArray();
            foreach (float value in Shape(embedding.Vector.Span, dimensions, buffer))
            {
                writer.WriteNumberValue(value);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteStartArray("texts");
        foreach (string text in inputs)
        {
            writer.WriteStringValue(text);
        }

        writer.WriteEndArray();
        writer.WriteStartObject("meta");
        writer.WriteStartObject("api_version");
        writer.WriteString("version", "2");
        writer.WriteEndObject();
        writer.WriteStartObject("billed_units");
        writer.WriteNumber("input_tokens", embeddings.Usage?.InputTokenCount ?? EstimateTokens(inputs));
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    /// <summary>OpenAI's <c>input</c>: a string or an array of strings (token arrays are not served: the server tokenizes itself).</summary>
    private static List<string> ReadInputs(JsonElement input, ServerLimits limits)
    {
        var inputs = new List<string>();
        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                inputs.Add(RequestChecks.Text(limits, input.GetString(), "'input'"));
                break;
            case JsonValueKind.Array:
                int count = input.GetArrayLength();
                if (count == 0)
                {
                    throw ProblemException.BadRequest("'input' is an empty array.");
                }

                RequestChecks.Inputs(limits, count, "inputs");
                int index = 0;
                foreach (JsonElement item in input.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        throw ProblemException.BadRequest($"'input[{index}]' is not a string; this server takes text (a string or an array of strings), not token ids.");
                    }

                    inputs.Add(RequestChecks.Text(limits, item.GetString(), $"'input[{index}]'"));
                    index++;
                }

                break;
            default:
                throw ProblemException.BadRequest("'input' is missing: send a string or an array of strings.");
        }

        return inputs;
    }

    private static int CheckDimensions(int? requested, int model, string field)
    {
        if (requested is not { } value)
        {
            return model;
        }

        if (value <= 0 || value > model)
        {
            throw ProblemException.BadRequest($"'{field}' must be between 1 and the model's {model} dimensions; it is {value}.");
        }

        return value;
    }

    /// <summary>The vector, or its first <paramref name="dimensions"/> values re-normalized to unit length (Matryoshka-style).</summary>
    private static ReadOnlySpan<float> Shape(ReadOnlySpan<float> vector, int dimensions, float[] buffer)
    {
        if (dimensions >= vector.Length)
        {
            return vector;
        }

        Span<float> cut = buffer.AsSpan(0, dimensions);
        vector[..dimensions].CopyTo(cut);
        float norm = TensorPrimitives.Norm(cut);
        if (norm > 0)
        {
            TensorPrimitives.Divide(cut, norm, cut);
        }

        return cut;
    }

    /// <summary>A usage figure when the generator reports none: UTF-8 bytes / 4, at least one per input.</summary>
    private static long EstimateTokens(List<string> inputs)
    {
        long tokens = 0;
        foreach (string input in inputs)
        {
            tokens += Math.Max(1, System.Text.Encoding.UTF8.GetByteCount(input) / 4);
        }

        return tokens;
    }
}
