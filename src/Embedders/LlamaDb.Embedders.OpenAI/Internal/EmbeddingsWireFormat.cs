using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace LlamaDb.Embedders.OpenAI;

/// <summary>OpenAI's <c>/embeddings</c> request and response bodies, written and read without reflection.</summary>
internal static class EmbeddingsWireFormat
{
    /// <summary>Writes <c>{"input":[...],"model":...,"encoding_format":"base64","dimensions":...}</c>.</summary>
    public static BinaryData WriteRequest(IReadOnlyList<string> inputs, int start, int count, string model, int? dimensions, string? user)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("input"u8);
            for (int i = start; i < start + count; i++)
            {
                writer.WriteStringValue(inputs[i]);
            }

            writer.WriteEndArray();
            writer.WriteString("model"u8, model);
            writer.WriteString("encoding_format"u8, "base64"u8);
            if (dimensions is { } d)
            {
                writer.WriteNumber("dimensions"u8, d);
            }

            if (user is not null)
            {
                writer.WriteString("user"u8, user);
            }

            writer.WriteEndObject();
        }

        return new BinaryData(buffer.WrittenMemory);
    }

    /// <summary>Reads a success body into <paramref name="count"/> vectors in input order.</summary>
    /// <exception cref="FormatException">The body is not a well-formed embeddings response for <paramref name="count"/> inputs.</exception>
    public static ParsedEmbeddings ReadResponse(BinaryData body, int count)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToMemory());
        }
        catch (JsonException e)
        {
            throw new FormatException($"the response body is not valid JSON ({e.Message})", e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data"u8, out JsonElement data) || data.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("the response has no 'data' array");
            }

            int received = data.GetArrayLength();
            if (received != count)
            {
                throw new FormatException($"the response has {received} embeddings for {count} inputs");
            }

            var vectors = new float[count][];
            int position = 0;
            foreach (JsonElement item in data.EnumerateArray())
            {
                int index = item.TryGetProperty("index"u8, out JsonElement indexElement) && indexElement.TryGetInt32(out int parsed) ? parsed : position;
                if ((uint)index >= (uint)count)
                {
                    throw new FormatException($"the response has an embedding at index {index}, outside 0..{count - 1}");
                }

                if (vectors[index] is not null)
                {
                    throw new FormatException($"the response has two embeddings at index {index}");
                }

                if (!item.TryGetProperty("embedding"u8, out JsonElement embedding))
                {
                    throw new FormatException($"the response's embedding at index {index} has no 'embedding'");
                }

                float[] vector = ReadVector(embedding, index);
                if (position > 0 && vector.Length != FirstLength(vectors))
                {
                    throw new FormatException($"the response's embedding at index {index} has {vector.Length} dimensions, others have {FirstLength(vectors)}");
                }

                vectors[index] = vector;
                position++;
            }

            string? model = root.TryGetProperty("model"u8, out JsonElement m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            long? promptTokens = null;
            long? totalTokens = null;
            if (root.TryGetProperty("usage"u8, out JsonElement usage) && usage.ValueKind == JsonValueKind.Object)
            {
                if (usage.TryGetProperty("prompt_tokens"u8, out JsonElement p) && p.TryGetInt64(out long pv))
                {
                    promptTokens = pv;
                }

                if (usage.TryGetProperty("total_tokens"u8, out JsonElement t) && t.TryGetInt64(out long tv))
                {
                    totalTokens = tv;
                }
            }

            return new ParsedEmbeddings(vectors, model, promptTokens, totalTokens);
        }
    }

    /// <summary>Reads OpenAI's <c>{"error":{"message","type","code"}}</c> (or a bare string / text body) for an error response.</summary>
    public static ProviderError ReadError(BinaryData? body)
    {
        if (body is null || body.ToMemory().IsEmpty)
        {
            return default;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(body.ToMemory());
            JsonElement root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error"u8, out JsonElement error))
            {
                if (error.ValueKind == JsonValueKind.String)
                {
                    return new ProviderError(error.GetString(), null, null);
                }

                if (error.ValueKind == JsonValueKind.Object)
                {
                    return new ProviderError(StringOf(error, "message"u8), StringOf(error, "type"u8), StringOf(error, "code"u8));
                }
            }

            if (root.ValueKind == JsonValueKind.Object && StringOf(root, "message"u8) is { } message)
            {
                return new ProviderError(message, null, null);
            }

            return default;
        }
        catch (JsonException)
        {
            string text = body.ToString().Trim();
            return new ProviderError(text.Length > 500 ? text[..500] + "..." : text, null, null);
        }
    }

    private static int FirstLength(float[][] vectors)
    {
        foreach (float[] v in vectors)
        {
            if (v is not null)
            {
                return v.Length;
            }
        }

        return 0;
    }

    private static string? StringOf(JsonElement element, ReadOnlySpan<byte> name) =>
        element.TryGetProperty(name, out JsonElement value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    private static float[] ReadVector(JsonElement embedding, int index)
    {
        if (embedding.ValueKind == JsonValueKind.String)
        {
            byte[] bytes;
            try
            {
                bytes = embedding.GetBytesFromBase64();
            }
            catch (FormatException e)
            {
                throw new FormatException($"the response's embedding at index {index} is not valid base64", e);
            }

            if (bytes.Length % sizeof(float) != 0)
            {
                throw new FormatException($"the response's base64 embedding at index {index} has {bytes.Length} bytes, not a whole number of float32 values");
            }

            var vector = new float[bytes.Length / sizeof(float)];
            if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.Cast<byte, float>(bytes).CopyTo(vector);
            }
            else
            {
                for (int i = 0; i < vector.Length; i++)
                {
                    vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
                }
            }

            return vector;
        }

        if (embedding.ValueKind == JsonValueKind.Array)
        {
            var vector = new float[embedding.GetArrayLength()];
            int i = 0;
            foreach (JsonElement value in embedding.EnumerateArray())
            {
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetSingle(out vector[i]))
                {
                    throw new FormatException($"the response's embedding at index {index} has a non-number at position {i}");
                }

                i++;
            }

            return vector;
        }

        throw new FormatException($"the response's embedding at index {index} is neither a float array nor a base64 string");
    }
}

/// <summary>A parsed success body.</summary>
internal sealed record ParsedEmbeddings(float[][] Vectors, string? Model, long? PromptTokens, long? TotalTokens);

/// <summary>The parts of an OpenAI error body.</summary>
internal readonly record struct ProviderError(string? Message, string? Type, string? Code);
