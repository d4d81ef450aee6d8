using System.Text.Json;

namespace LlamaDb.Embedders.Onnx.Tests;

/// <summary>Reads the reference.json files in ../shared/models.</summary>
internal static class Reference
{
    public static JsonElement Load(string model)
    {
        using var stream = File.OpenRead(Path.Combine(TestPaths.Models(model), "reference.json"));
        using JsonDocument doc = JsonDocument.Parse(stream);
        return doc.RootElement.Clone();
    }

    public static long[] Longs(JsonElement array)
    {
        var result = new long[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement e in array.EnumerateArray())
        {
            result[i++] = e.GetInt64();
        }

        return result;
    }

    public static int[] Ints(JsonElement array)
    {
        var result = new int[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement e in array.EnumerateArray())
        {
            result[i++] = e.GetInt32();
        }

        return result;
    }

    public static double[] Doubles(JsonElement array)
    {
        var result = new double[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement e in array.EnumerateArray())
        {
            result[i++] = e.GetDouble();
        }

        return result;
    }

    public static string[] Strings(JsonElement array)
    {
        var result = new string[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement e in array.EnumerateArray())
        {
            result[i++] = e.GetString()!;
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
