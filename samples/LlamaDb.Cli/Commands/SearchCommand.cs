using System.CommandLine;
using System.Globalization;
using System.Linq.Expressions;
using System.Text;
using System.Text.Json;
using LlamaDb.Cli.Filtering;
using LlamaDb.Cli.Settings;
using LlamaDb.Cli.Store;
using LlamaDb.Retrieval;
using LlamaDb.Retrieval.Onnx;
using Spectre.Console;

namespace LlamaDb.Cli.Commands;

/// <summary><c>llamadb search</c>: vector, keyword or hybrid search over a collection, optionally reranked.</summary>
internal static class SearchCommand
{
    private const int SnippetLength = 220;

    public static Command Create()
    {
        var query = new Argument<string>("query") { Description = "What to search for." };
        var store = StoreOptions.Store();
        var collection = StoreOptions.Collection();
        var model = StoreOptions.Model("Embedding model folder or hub repo id. Default: the model the collection was built with.");
        var mode = StoreOptions.Mode();
        var rerank = StoreOptions.Rerank();
        var noRerank = StoreOptions.NoRerank();
        var filter = StoreOptions.Filter();
        var top = StoreOptions.Top("Results to show (default 10).");
        var candidates = new Option<int?>("--candidates") { Description = "First-stage candidates the reranker sees (default max(50, --top))." };
        var json = StoreOptions.Json("Print {\"results\":[{\"rank\",\"score\",\"source\",\"documentId\",\"text\",...}]}.");
        var command = new Command("search", "Search a collection: a ranked table with scores, sources and highlighted snippets, or JSON.")
        {
            query, store, collection, model, mode, rerank, noRerank, filter, top, candidates, json,
        };
        command.SetAction((parseResult, cancellationToken) => CliErrors.RunAsync(parseResult, async () =>
        {
            CliSettings settings = CliSettings.Load(parseResult);
            string text = parseResult.GetValue(query)!; // required argument
            using SearchSession session = await SearchSession.OpenAsync(parseResult, settings, store, collection, model, rerank, noRerank, cancellationToken);
            RetrievalOptions options = SearchSession.Options(parseResult, settings, mode, top, candidates, filter, session.Reranker is not null, fallbackTop: 10);

            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            IReadOnlyList<RetrievedChunk> results = await session.Retriever.RetrieveAsync(text, options, cancellationToken);
            double milliseconds = stopwatch.Elapsed.TotalMilliseconds;
            if (parseResult.GetValue(json))
            {
                WriteJson(results, options, session, milliseconds);
            }
            else
            {
                WriteTable(text, results, options, session, milliseconds);
            }

            return 0;
        }));
        return command;
    }

    /// <summary>The query's words worth highlighting (two or more letters or digits), lower-cased.</summary>
    public static IReadOnlyList<string> QueryTerms(string query)
    {
        var terms = new List<string>();
        var word = new StringBuilder();
        foreach (char c in query + " ")
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else
            {
                if (word.Length >= 2 && !terms.Contains(word.ToString()))
                {
                    terms.Add(word.ToString());
                }

                word.Clear();
            }
        }

        return terms;
    }

    /// <summary>
    /// A window of <paramref name="text"/> around the first query term, with every term occurrence (word prefix, any case)
    /// wrapped by <paramref name="open"/> / <paramref name="close"/>; other text passes through <paramref name="escape"/>.
    /// </summary>
    public static string Snippet(string text, IReadOnlyList<string> terms, int length, string open, string close, Func<string, string> escape)
    {
        string flat = string.Join(' ', text.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        var matches = new List<(int Start, int Length)>();
        foreach (string term in terms)
        {
            int at = 0;
            while ((at = flat.IndexOf(term, at, StringComparison.OrdinalIgnoreCase)) >= 0)
            {
                bool wordStart = at == 0 || !char.IsLetterOrDigit(flat[at - 1]);
                if (wordStart)
                {
                    int end = at + term.Length;
                    while (end < flat.Length && char.IsLetterOrDigit(flat[end]))
                    {
                        end++;
                    }

                    matches.Add((at, end - at));
                }

                at += term.Length;
            }
        }

        matches.Sort((a, b) => a.Start.CompareTo(b.Start));
        int windowStart = 0;
        if (matches.Count > 0 && matches[0].Start > length / 3)
        {
            windowStart = matches[0].Start - (length / 3);
            while (windowStart > 0 && !char.IsWhiteSpace(flat[windowStart - 1]))
            {
                windowStart--;
            }
        }

        int windowEnd = Math.Min(flat.Length, windowStart + length);
        var result = new StringBuilder();
        if (windowStart > 0)
        {
            result.Append('…');
        }

        int position = windowStart;
        foreach ((int start, int count) in matches)
        {
            if (start < position || start + count > windowEnd)
            {
                continue;
            }

            result.Append(escape(flat[position..start])).Append(open).Append(escape(flat.Substring(start, count))).Append(close);
            position = start + count;
        }

        result.Append(escape(flat[position..windowEnd]));
        if (windowEnd < flat.Length)
        {
            result.Append('…');
        }

        return result.ToString();
    }

    private static void WriteTable(string query, IReadOnlyList<RetrievedChunk> results, RetrievalOptions options, SearchSession session, double milliseconds)
    {
        IReadOnlyList<string> terms = QueryTerms(query);
        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumn(new TableColumn("#").RightAligned());
        table.AddColumn(new TableColumn("score").RightAligned());
        table.AddColumn("source");
        table.AddColumn("snippet");
        for (int i = 0; i < results.Count; i++)
        {
            RetrievedChunk r = results[i];
            table.AddRow(
                new Markup((i + 1).ToString(CultureInfo.InvariantCulture)),
                new Markup(r.Score.ToString("F4", CultureInfo.InvariantCulture)),
                new Markup(r.HeadingPath is { Length: > 0 } ? $"{Markup.Escape(r.Source)}\n[grey]{Markup.Escape(r.HeadingPath)}[/]" : Markup.Escape(r.Source)),
                new Markup(Snippet(r.Text, terms, SnippetLength, "[bold yellow]", "[/]", Markup.Escape)));
        }

        AnsiConsole.Write(table);
        string rerank = session.RerankSpec is null ? string.Empty : $", reranked by {session.RerankSpec}";
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{results.Count} result(s), {(options.Mode ?? RetrievalOptions.DefaultMode).ToString().ToLowerInvariant()} search{rerank}, {milliseconds:F0} ms")));
    }

    private static void WriteJson(IReadOnlyList<RetrievedChunk> results, RetrievalOptions options, SearchSession session, double milliseconds)
    {
        using Stream stdout = Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("results");
            for (int i = 0; i < results.Count; i++)
            {
                RetrievedChunk r = results[i];
                writer.WriteStartObject();
                // The contract: rank, score, source, documentId, text. Fields after them are additions.
                writer.WriteNumber("rank", i + 1);
                writer.WriteNumber("score", r.Score);
                writer.WriteString("source", r.Source);
                writer.WriteString("documentId", r.DocumentId);
                writer.WriteString("text", r.Text);
                writer.WriteString("chunkId", r.ChunkId);
                writer.WriteNumber("chunkIndex", r.ChunkIndex);
                writer.WriteString("title", r.Title);
                writer.WriteString("headingPath", r.HeadingPath);
                writer.WriteNumber("startOffset", r.StartOffset);
                writer.WriteNumber("endOffset", r.EndOffset);
                writer.WriteNumber("firstStageScore", r.FirstStageScore);
                if (r.RerankScore is { } rerankScore)
                {
                    writer.WriteNumber("rerankScore", rerankScore);
                }
                else
                {
                    writer.WriteNull("rerankScore");
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("mode", (options.Mode ?? RetrievalOptions.DefaultMode).ToString().ToLowerInvariant());
            writer.WriteBoolean("reranked", session.Reranker is not null);
            writer.WriteString("collection", session.Chunks.Collection.Name);
            writer.WriteNumber("milliseconds", Math.Round(milliseconds, 3));
            writer.WriteEndObject();
        }

        Console.WriteLine();
    }
}

/// <summary>The open collection, model, optional reranker and retriever behind <c>search</c> and <c>ask</c>.</summary>
internal sealed class SearchSession : IDisposable
{
    private SearchSession(ChunkStore chunks, CrossEncoderReranker? reranker, string? rerankSpec)
    {
        Chunks = chunks;
        Reranker = reranker;
        RerankSpec = rerankSpec;
        Retriever = new Retriever(chunks.Collection, reranker, options: new RetrieverOptions { ThrowOnRerankFailure = true });
    }

    public ChunkStore Chunks { get; }

    public CrossEncoderReranker? Reranker { get; }

    public string? RerankSpec { get; }

    public Retriever Retriever { get; }

    public static async Task<SearchSession> OpenAsync(
        ParseResult parseResult, CliSettings settings, Option<string?> store, Option<string?> collection, Option<string?> model,
        Option<string?> rerank, Option<bool> noRerank, CancellationToken cancellationToken)
    {
        string storePath = settings.Require("store", parseResult.GetValue(store), "--store");
        string name = settings.Require("collection", parseResult.GetValue(collection), "--collection");
        string? rerankSpec = parseResult.GetValue(noRerank) ? null : settings.Get("rerankModel", parseResult.GetValue(rerank));
        ChunkStore chunks = await ChunkStore.OpenForSearchAsync(storePath, name, parseResult.GetValue(model), settings.Get("model", null), quiet: false, cancellationToken);
        try
        {
            CrossEncoderReranker? reranker = null;
            if (rerankSpec is not null)
            {
                string directory = await ModelLocator.ResolveAsync(rerankSpec, ModelKind.CrossEncoder, quiet: false, cancellationToken);
                reranker = await CrossEncoderReranker.CreateAsync(directory, cancellationToken: cancellationToken);
            }

            return new SearchSession(chunks, reranker, rerankSpec);
        }
        catch
        {
            chunks.Dispose();
            throw;
        }
    }

    public static RetrievalOptions Options(
        ParseResult parseResult, CliSettings settings, Option<string?> mode, Option<int?> top, Option<int?> candidates, Option<string?> filter, bool rerank, int fallbackTop)
    {
        int count = settings.GetInt("top", parseResult.GetValue(top), fallbackTop, "--top");
        if (count <= 0)
        {
            throw new CliUsageException($"--top must be positive, not {count}.");
        }

        int pool = parseResult.GetValue(candidates) ?? Math.Max(50, count);
        if (pool < count)
        {
            throw new CliUsageException($"--candidates ({pool}) must be at least --top ({count}).");
        }

        Expression<Func<ChunkRecord, bool>>? parsed = parseResult.GetValue(filter) is { Length: > 0 } expression ? FilterParser.Parse(expression) : null;
        return new RetrievalOptions
        {
            Mode = StoreOptions.ParseMode(settings.Get("mode", parseResult.GetValue(mode))),
            Top = count,
            Candidates = pool,
            Filter = parsed,
            Rerank = rerank,
        };
    }

    public void Dispose()
    {
        Reranker?.Dispose();
        Chunks.Dispose();
    }
}
