using System.Globalization;
using System.Text.Json;
using LlamaDb.Connectors.Hnsw.FullText;
using Xunit.Abstractions;

namespace LlamaDb.Connectors.Hnsw.Tests.FullText;

/// <summary>BM25 retrieval quality on BEIR SciFact (5,183 abstracts, 300 test queries).</summary>
public sealed class SciFactBm25Tests(ITestOutputHelper output)
{
    private static string SciFact => Path.Combine(TestPaths.SharedDirectory, "data", "scifact");

    [Fact]
    public void Search_SciFactTestQueries_NdcgAt10AtLeast060()
    {
        using var index = new Bm25Index();
        var corpusIds = new List<string>();
        foreach (string line in File.ReadLines(Path.Combine(SciFact, "corpus.jsonl")))
        {
            using var json = JsonDocument.Parse(line);
            JsonElement root = json.RootElement;
            string title = root.TryGetProperty("title", out JsonElement t) ? t.GetString() ?? "" : "";
            string text = root.GetProperty("text").GetString() ?? "";
            index.Upsert(corpusIds.Count, title + " " + text);
            corpusIds.Add(root.GetProperty("_id").GetString()!); // ! BEIR requires _id
        }

        var queries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(Path.Combine(SciFact, "queries.jsonl")))
        {
            using var json = JsonDocument.Parse(line);
            queries[json.RootElement.GetProperty("_id").GetString()!] = json.RootElement.GetProperty("text").GetString()!;
        }

        var qrels = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(Path.Combine(SciFact, "qrels", "test.tsv")).Skip(1))
        {
            string[] fields = line.Split('\t');
            if (fields.Length < 3)
            {
                continue;
            }

            if (!qrels.TryGetValue(fields[0], out Dictionary<string, int>? judged))
            {
                qrels[fields[0]] = judged = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            judged[fields[1]] = int.Parse(fields[2], CultureInfo.InvariantCulture);
        }

        double total = 0;
        var results = new TextMatch[10];
        foreach ((string queryId, Dictionary<string, int> judged) in qrels)
        {
            int count = index.Search(queries[queryId], 10, results);
            double dcg = 0;
            for (int rank = 0; rank < count; rank++)
            {
                if (judged.TryGetValue(corpusIds[results[rank].DocId], out int gain) && gain > 0)
                {
                    dcg += gain / Math.Log2(rank + 2);
                }
            }

            int[] ideal = [.. judged.Values.Where(g => g > 0).OrderDescending().Take(10)];
            double idcg = 0;
            for (int rank = 0; rank < ideal.Length; rank++)
            {
                idcg += ideal[rank] / Math.Log2(rank + 2);
            }

            total += idcg > 0 ? dcg / idcg : 0;
        }

        double ndcg = total / qrels.Count;
        output.WriteLine($"SciFact BM25 (k1 = 0.9, b = 0.4): nDCG@10 = {ndcg:F4} over {qrels.Count} queries, {index.DocumentCount} documents, {index.TermCount} terms, {index.MemoryBytes / 1024} KiB");
        Assert.Equal(300, qrels.Count);
        Assert.True(ndcg >= 0.60, $"nDCG@10 = {ndcg:F4}");
    }
}
