using System.Text.Json;

namespace LlamaDb.Embedders.Onnx.Tests;

/// <summary>Reads the reference.json files in ../shared/models.</summary>
internal static class Reference
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonElement> s_cache = new();

    /// <summary>The parsed reference.json of a shared model folder (cached).</summary>
    public static JsonElement Load(string model) => s_cache.GetOrAdd(model, static m =>
    {
        using var stream = File.OpenRead(Path.Combine(TestPaths.Models(m), "reference.json"));
        using JsonDocument doc = JsonDocument.Parse(stream);
        return doc.RootElement.Clone();
    });

    public static long[] Longs(JsonElement array) => Read(array, static e => e.GetInt64());

    public static int[] Ints(JsonElement array) => Read(array, static e => e.GetInt32());

    public static double[] Doubles(JsonElement array) => Read(array, static e => e.GetDouble());

    public static string[] Strings(JsonElement array) => Read(array, static e => e.GetString()!); // the reference files hold strings there

    private static T[] Read<T>(JsonElement array, Func<JsonElement, T> read)
    {
        var result = new T[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement e in array.EnumerateArray())
        {
            result[i++] = read(e);
        }

        return result;
    }

    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(expected[i] - actual[i]);
            if (diff > worst)
            {
                worst = diff;
                worstAt = i;
            }
        }

        Assert.True(worst <= tolerance, $"max |expected - actual| = {worst:E3} at index {worstAt} (tolerance {tolerance:E1})");
    }
}
