using System.Text.Json;

namespace LlamaDb.Retrieval.Onnx.Tests;

/// <summary>Reads the reference.json files in ../shared/models.</summary>
internal static class Reference
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonElement> s_cache = new();

    public const string SyntheticCrossEncoder = "synthetic-crossencoder-tiny";

    public const string MsMarco = "ms-marco-MiniLM-L-12-v2";

    /// <summary>The parsed reference.json of a shared model folder (cached).</summary>
    public static JsonElement Load(string model) => s_cache.GetOrAdd(model, static m =>
    {
        using var stream = File.OpenRead(Path.Combine(TestPaths.Models(m), "reference.json"));
        using JsonDocument doc = JsonDocument.Parse(stream);
        return doc.RootElement.Clone();
    });

    public static int[] Ints(JsonElement array) => [.. array.EnumerateArray().Select(static e => e.GetInt32())];

    public static double[] Doubles(JsonElement array) => [.. array.EnumerateArray().Select(static e => e.GetDouble())];

    /// <summary>The synthetic cross-encoder's (query, passage) pairs.</summary>
    public static (string Query, string Passage)[] SyntheticPairs() =>
        [.. Load(SyntheticCrossEncoder).GetProperty("pairs").EnumerateArray().Select(static p => (p[0].GetString()!, p[1].GetString()!))]; // the file holds strings there

    public static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.Count; i++)
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
