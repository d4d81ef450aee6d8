using System.Buffers;
using System.Text.Json;

namespace LlamaDb.Embedders.Http.Internal;

/// <summary>Writes request bodies to UTF-8 JSON bytes.</summary>
internal static class JsonBodies
{
    public static byte[] Write<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer, state);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static void WriteStrings(Utf8JsonWriter writer, string propertyName, string[] values, InputBatch batch)
    {
        writer.WriteStartArray(propertyName);
        for (int i = batch.Start; i < batch.Start + batch.Count; i++)
        {
            writer.WriteStringValue(values[i]);
        }

        writer.WriteEndArray();
    }

    /// <summary>Copies <paramref name="values"/> into an array, naming the first <see langword="null"/> element.</summary>
    public static string[] ToInputArray(IEnumerable<string> values, string? prefix)
    {
        ArgumentNullException.ThrowIfNull(values);
        string[] inputs = [.. values];
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null)
            {
                throw new ArgumentException($"values[{i}] is null; every input must be a string.", nameof(values));
            }

            inputs[i] = TextPrefixes.Apply(prefix, inputs[i]); // never doubles a prefix the text already has
        }

        return inputs;
    }
}
