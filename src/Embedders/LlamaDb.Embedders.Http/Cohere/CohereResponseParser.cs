using System.Text.Json;

namespace LlamaDb.Embedders.Http;

/// <summary>The vectors of one Cohere response, per requested type (raw bytes for the quantized ones).</summary>
internal sealed class CohereBatchResult
{
    public float[][]? Float { get; set; }

    public sbyte[][]? Int8 { get; set; }

    public byte[][]? UInt8 { get; set; }

    public byte[][]? Binary { get; set; }

    public byte[][]? UBinary { get; set; }

    public long? InputTokens { get; set; }
}

/// <summary>
/// Parses Cohere embed responses: v2 (<c>"embeddings":{"float":[[..]],"int8":..}</c>), v1 <c>embeddings_floats</c>
/// (<c>"embeddings":[[..]]</c>) and v1 <c>embeddings_by_type</c>; usage from <c>meta.billed_units.input_tokens</c>.
/// </summary>
internal static class CohereResponseParser
{
    public static CohereBatchResult Parse(byte[] body, int expectedCount, CohereEmbeddingTypes types, int? outputDimension)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The cohere embedding response is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException("The cohere embedding response is not a JSON object.");
            }

            var result = new CohereBatchResult { InputTokens = ReadBilledTokens(root) };
            JsonElement byType;
            if (root.TryGetProperty("embeddings", out JsonElement embeddings) && embeddings.ValueKind == JsonValueKind.Array)
            {
                // v1 "embeddings_floats": a plain array of float vectors.
                if (types != CohereEmbeddingTypes.Float)
                {
                    throw new InvalidDataException($"The cohere embedding response has only float embeddings, but {types} were requested.");
                }

                result.Float = ReadVectors(embeddings, "float", expectedCount, ReadFloat);
                CheckDimensions(result.Float, v => v.Length, "float", outputDimension);
                return result;
            }

            if (embeddings.ValueKind == JsonValueKind.Object)
            {
                byType = embeddings;
            }
            else if (root.TryGetProperty("embeddings_by_type", out JsonElement legacy) && legacy.ValueKind == JsonValueKind.Object)
            {
                byType = legacy;
            }
            else
            {
                throw new InvalidDataException("The cohere embedding response has no \"embeddings\" array or object.");
            }

            if (types.HasFlag(CohereEmbeddingTypes.Float))
            {
                result.Float = ReadVectors(Required(byType, "float"), "float", expectedCount, ReadFloat);
                CheckDimensions(result.Float, v => v.Length, "float", outputDimension);
            }

            if (types.HasFlag(CohereEmbeddingTypes.Int8))
            {
                result.Int8 = ReadVectors(Required(byType, "int8"), "int8", expectedCount, (e, where) => (sbyte)ReadInteger(e, where, sbyte.MinValue, sbyte.MaxValue));
                CheckDimensions(result.Int8, v => v.Length, "int8", outputDimension);
            }

            if (types.HasFlag(CohereEmbeddingTypes.UInt8))
            {
                result.UInt8 = ReadVectors(Required(byType, "uint8"), "uint8", expectedCount, (e, where) => (byte)ReadInteger(e, where, byte.MinValue, byte.MaxValue));
                CheckDimensions(result.UInt8, v => v.Length, "uint8", outputDimension);
            }

            if (types.HasFlag(CohereEmbeddingTypes.Binary))
            {
                // Signed packed bits: the packed byte minus 128.
                result.Binary = ReadVectors(Required(byType, "binary"), "binary", expectedCount, (e, where) => (byte)(ReadInteger(e, where, sbyte.MinValue, sbyte.MaxValue) + 128));
                CheckDimensions(result.Binary, v => v.Length * 8, "binary", outputDimension);
            }

            if (types.HasFlag(CohereEmbeddingTypes.UBinary))
            {
                result.UBinary = ReadVectors(Required(byType, "ubinary"), "ubinary", expectedCount, (e, where) => (byte)ReadInteger(e, where, byte.MinValue, byte.MaxValue));
                CheckDimensions(result.UBinary, v => v.Length * 8, "ubinary", outputDimension);
            }

            return result;
        }
    }

    private static JsonElement Required(JsonElement byType, string type) =>
        byType.TryGetProperty(type, out JsonElement vectors)
            ? vectors
            : throw new InvalidDataException($"The cohere embedding response has no \"{type}\" embeddings, though they were requested.");

    private static T[][] ReadVectors<T>(JsonElement vectors, string type, int expectedCount, Func<JsonElement, string, T> readValue)
    {
        if (vectors.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"The cohere embedding response's \"{type}\" embeddings are not an array.");
        }

        int count = vectors.GetArrayLength();
        if (count != expectedCount)
        {
            throw new InvalidDataException($"The cohere embedding response has {count} {type} embeddings for {expectedCount} texts.");
        }

        var result = new T[count][];
        int i = 0;
        foreach (JsonElement vector in vectors.EnumerateArray())
        {
            if (vector.ValueKind != JsonValueKind.Array || vector.GetArrayLength() == 0)
            {
                throw new InvalidDataException($"{type} embedding {i} of the cohere embedding response is not a non-empty array.");
            }

            var values = new T[vector.GetArrayLength()];
            int j = 0;
            foreach (JsonElement value in vector.EnumerateArray())
            {
                values[j] = readValue(value, $"{type}[{i}][{j}]");
                j++;
            }

            result[i++] = values;
        }

        return result;
    }

    private static void CheckDimensions<T>(T[][] vectors, Func<T[], int> dimensionsOf, string type, int? outputDimension)
    {
        int dimensions = dimensionsOf(vectors[0]);
        for (int i = 1; i < vectors.Length; i++)
        {
            if (dimensionsOf(vectors[i]) != dimensions)
            {
                throw new InvalidDataException($"The cohere embedding response's {type} embeddings have different lengths ({dimensions} and {dimensionsOf(vectors[i])} dimensions at index {i}).");
            }
        }

        if (outputDimension is { } expected && dimensions != expected)
        {
            throw new InvalidDataException($"output_dimension {expected} was requested but the cohere response's {type} embeddings have {dimensions} dimensions.");
        }
    }

    private static float ReadFloat(JsonElement value, string where) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetSingle(out float f) && float.IsFinite(f)
            ? f
            : throw new InvalidDataException($"{where} of the cohere embedding response is not a finite number.");

    private static int ReadInteger(JsonElement value, string where, int min, int max) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) && n >= min && n <= max
            ? n
            : throw new InvalidDataException($"{where} of the cohere embedding response is not an integer in {min}..{max}.");

    private static long? ReadBilledTokens(JsonElement root)
    {
        if (root.TryGetProperty("meta", out JsonElement meta) && meta.ValueKind == JsonValueKind.Object
            && meta.TryGetProperty("billed_units", out JsonElement billed) && billed.ValueKind == JsonValueKind.Object
            && billed.TryGetProperty("input_tokens", out JsonElement tokens) && tokens.ValueKind == JsonValueKind.Number)
        {
            return tokens.TryGetInt64(out long whole) ? whole : (long)Math.Round(tokens.GetDouble());
        }

        return null;
    }
}
