using System.Globalization;
using System.Text.Json;

namespace LlamaDb.Retrieval;

/// <summary>
/// A BEIR-layout retrieval dataset: <c>corpus.jsonl</c> (<c>{"_id","title","text"}</c>), <c>queries.jsonl</c>
/// (<c>{"_id","text"}</c>) and <c>qrels/&lt;split&gt;.tsv</c> (<c>query-id, corpus-id, score</c> with a header). Only the
/// queries that have judgments in the split are kept, as BEIR does.
/// </summary>
public sealed class BeirDataset
{
    private BeirDataset(IReadOnlyList<Document> corpus, IReadOnlyList<KeyValuePair<string, string>> queries, IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> judgments)
    {
        Corpus = corpus;
        Queries = queries;
        Judgments = judgments;
    }

    /// <summary>Gets the corpus: one document per line, <see cref="Document.Text"/> = title + " " + text (what BEIR indexes).</summary>
    public IReadOnlyList<Document> Corpus { get; }

    /// <summary>Gets the judged queries (id, text), in <c>queries.jsonl</c> order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Queries { get; }

    /// <summary>Gets the judgments: query id → (document id → grade).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Judgments { get; }

    /// <summary>Loads a dataset.</summary>
    /// <param name="directory">The folder with <c>corpus.jsonl</c>, <c>queries.jsonl</c> and <c>qrels/</c>.</param>
    /// <param name="split">The qrels split. Defaults to <c>test</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="InvalidDataException">A file is missing or malformed (the message names the file and line).</exception>
    public static async Task<BeirDataset> LoadAsync(string directory, string split = "test", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(split);
        string corpusPath = Require(Path.Combine(directory, "corpus.jsonl"));
        string queriesPath = Require(Path.Combine(directory, "queries.jsonl"));
        string qrelsPath = Require(Path.Combine(directory, "qrels", split + ".tsv"));

        var judgments = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (string line in await File.ReadAllLinesAsync(qrelsPath, cancellationToken).ConfigureAwait(false))
        {
            lineNumber++;
            if (line.Length == 0 || (lineNumber == 1 && line.StartsWith("query-id", StringComparison.Ordinal)))
            {
                continue;
            }

            string[] fields = line.Split('\t');
            if (fields.Length < 3 || !int.TryParse(fields[^1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int grade))
            {
                throw new InvalidDataException($"{qrelsPath}:{lineNumber}: expected 'query-id<TAB>corpus-id<TAB>score'.");
            }

            if (!judgments.TryGetValue(fields[0], out Dictionary<string, int>? forQuery))
            {
                judgments[fields[0]] = forQuery = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            forQuery[fields[1]] = grade;
        }

        var problems = new List<DocumentLoadProblem>();
        var corpus = new List<Document>();
        var progress = new ListProgress(problems);
        await foreach (Document document in new BeirCorpusLoader { IncludeTitleInText = true }.LoadAsync(corpusPath, progress, cancellationToken).ConfigureAwait(false))
        {
            corpus.Add(document);
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException($"{problems.Count} corpus line(s) could not be read; first: {problems[0].Message}");
        }

        var queries = new List<KeyValuePair<string, string>>();
        lineNumber = 0;
        foreach (string line in await File.ReadAllLinesAsync(queriesPath, cancellationToken).ConfigureAwait(false))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using JsonDocument json = JsonDocument.Parse(line);
                JsonElement id = json.RootElement.GetProperty("_id");
                string queryId = id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText(); // GetString is non-null for strings
                if (judgments.ContainsKey(queryId))
                {
                    queries.Add(new(queryId, json.RootElement.GetProperty("text").GetString() ?? string.Empty));
                }
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new InvalidDataException($"{queriesPath}:{lineNumber}: {ex.Message}", ex);
            }
        }

        var frozen = new Dictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, Dictionary<string, int>> pair in judgments)
        {
            frozen[pair.Key] = pair.Value;
        }

        return new BeirDataset(corpus, queries, frozen);
    }

    private static string Require(string path) =>
        File.Exists(path) ? path : throw new InvalidDataException($"The BEIR dataset file '{path}' does not exist.");

    private sealed class ListProgress(List<DocumentLoadProblem> problems) : IProgress<DocumentLoadProblem>
    {
        public void Report(DocumentLoadProblem value) => problems.Add(value);
    }
}
