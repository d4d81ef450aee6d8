using System.Buffers.Binary;
using System.Text.Json;

namespace LlamaDb.Embedders.Http;

/// <summary>Parses an OpenAI-style embeddings response: <c>{"data":[{"index":i,"embedding":[..] or "base64"}],"model":..,"usage":{"prompt_tokens":n}}</c>.</summary>
internal static class OpenAICompatibleResponseParser
{
    public static (float[][] Vectors, long? PromptTokens, string? Model) Parse(byte[] body, int expectedCount, int? expectedDimensions)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The openai-compatible embedding response is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out JsonElement data) || data.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException("The openai-compatible embedding response has no \"data\" array.");
            }

            int count = data.GetArrayLength();
            if (count != expectedCount)
            {
                throw new InvalidDataException($"The openai-compatible embedding response has {count} embeddings for {expectedCount} inputs.");
            }

            var vectors = new float[count][];
            int position = 0;
            foreach (JsonElement item in data.EnumerateArray())
            {
                int index = position;
                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidDataException($"data[{position}] of the openai-compatible embedding response is not an object.");
                }

                if (item.TryGetProperty("index", out JsonElement indexElement))
                {
                    if (!indexElement.TryGetInt32(out index) || index < 0 || index >= count)
                    {
                        throw new InvalidDataException($"data[{position}].index of the openai-compatible embedding response is {indexElement.GetRawText()}, outside 0..{count - 1}.");
                    }
                }

                if (vectors[index] is not null)
                {
                    throw new InvalidDataException($"The openai-compatible embedding response has index {index} twice.");
                }

                if (!item.TryGetProperty("embedding", out JsonElement embedding))
                {
                    throw new InvalidDataException($"data[{position}] of the openai-compatible embedding response has no \"embedding\".");
                }

                vectors[index] = ReadVector(embedding, position);
                position++;
            }

            int dimensions = vectors[0].Length;
            for (int i = 0; i < vectors.Length; i++)
            {
                if (vectors[i].Length == 0 || vectors[i].Length != dimensions)
                {
                    throw new InvalidDataException($"The openai-compatible embedding response has vectors of different lengths ({dimensions} and {vectors[i].Length} at index {i}).");
                }
            }

            if (expectedDimensions is { } expected && dimensions != expected)
            {
                throw new InvalidDataException($"{expected} dimensions were requested but the openai-compatible server returned {dimensions}; it may not support \"dimensions\" for this model.");
            }

            long? promptTokens = null;
            if (root.TryGetProperty("usage", out JsonElement usage) && usage.ValueKind == JsonValueKind.Object
                && usage.TryGetProperty("prompt_tokens", out JsonElement tokens) && tokens.TryGetInt64(out long value))
            {
                promptTokens = value;
            }

            string? model = root.TryGetProperty("model", out JsonElement modelElement) && modelElement.ValueKind == JsonValueKind.String
                ? modelElement.GetString()
                : null;
            return (vectors, promptTokens, model);
        }
    }

    private static float[] ReadVector(JsonElement embedding, int position)
    {
        if (embedding.ValueKind == JsonValueKind.Array)
        {
            var vector = new float[embedding.GetArrayLength()];
            int i = 0;
            foreach (JsonElement number in embedding.EnumerateArray())
            {
                if (number.ValueKind != JsonValueKind.Number || !number.TryGetSingle(out float value) || !float.IsFinite(value))
                {
                    throw new InvalidDataException($"data[{position}].embedding[{i}] of the openai-compatible embedding response is not a finite number.");
                }

                vector[i++] = value;
            }

            return vector;
        }

        if (embedding.ValueKind == JsonValueKind.String)
        {
            if (!embedding.TryGetBytesFromBase64(out byte[]? bytes) || bytes.Length % sizeof(float) != 0)
            {
                throw new InvalidDataException($"data[{position}].embedding of the openai-compatible embedding response is not base64 of little-endian float32 values.");
            }

            var vector = new float[bytes.Length / sizeof(float)];
            for (int i = 0; i < vector.Length; i++)
            {
                vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
            }

            return vector;
        }

        throw new InvalidDataException($"data[{position}].embedding of the openai-compatible embedding response is neither an array of numbers nor a base64 string.");
    }
}
