using System.Diagnostics;
using System.Text;
using LlamaDb.Retrieval;
using LlamaDb.Server.Contracts;
using LlamaDb.Server.Hosting;
using LlamaDb.VectorData;

namespace LlamaDb.Server.Endpoints;

/// <summary>Collections of chunks over the store (a folder or PostgreSQL): create, info, delete, records, search and document ingestion.</summary>
internal static class CollectionEndpoints
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static void Map(IEndpointRouteBuilder app)
    {
        RouteGroupBuilder group = app.MapGroup("/v1/collections").WithTags("Collections");
        group.MapGet("/", ListAsync).WithSummary("List collections");
        group.MapPost("/", CreateAsync).WithSummary("Create a chunk collection (dimensions from the server's embedding model)")
            .Accepts<CreateCollectionRequest>("application/json").ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{name}", InfoAsync).WithSummary("Collection info: count, definition, model").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{name}", DeleteAsync).WithSummary("Delete a collection").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{name}/records", UpsertAsync).WithSummary("Upsert records (embedded by the server)").Accepts<UpsertRecordsRequest>("application/json");
        group.MapPost("/{name}/records/get", GetRecordsAsync).WithSummary("Get records by id").Accepts<RecordIdsRequest>("application/json");
        group.MapPost("/{name}/records/delete", DeleteRecordsAsync).WithSummary("Delete records by id").Accepts<RecordIdsRequest>("application/json");
        group.MapPost("/{name}/search", SearchAsync).WithSummary("Search: vector, keyword or hybrid, with filter and optional rerank").Accepts<SearchRequest>("application/json");
        group.MapPost("/{name}/documents", IngestAsync).WithSummary("Ingest documents (JSON or multipart files), chunked and embedded")
            .Accepts<IngestRequest>("application/json", "multipart/form-data");
    }

    private static async Task<IResult> ListAsync(ServerRuntime runtime, CancellationToken cancellationToken) =>
        Results.Json(new { collections = await runtime.Collections.ListAsync(cancellationToken) }, JsonBody.Options);

    private static async Task<IResult> CreateAsync(HttpContext context, ServerRuntime runtime)
    {
        CreateCollectionRequest request = await JsonBody.ReadAsync<CreateCollectionRequest>(context, runtime.Limits);
        string name = request.Name ?? throw ProblemException.BadRequest("'name' is missing.");
        if (!await runtime.Collections.CreateAsync(name, context.RequestAborted))
        {
            throw ProblemException.Conflict($"Collection '{name}' already exists.");
        }

        return Results.Json(await InfoOfAsync(runtime, name, context.RequestAborted), JsonBody.Options, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> InfoAsync(string name, ServerRuntime runtime, CancellationToken cancellationToken) =>
        Results.Json(await InfoOfAsync(runtime, name, cancellationToken), JsonBody.Options);

    private static async Task<IResult> DeleteAsync(string name, ServerRuntime runtime, CancellationToken cancellationToken) =>
        await runtime.Collections.DeleteAsync(name, cancellationToken)
            ? Results.NoContent()
            : throw ProblemException.NotFound($"Collection '{name}' does not exist.");

    private static async Task<IResult> UpsertAsync(string name, HttpContext context, ServerRuntime runtime)
    {
        UpsertRecordsRequest request = await JsonBody.ReadAsync<UpsertRecordsRequest>(context, runtime.Limits);
        List<RecordDto> records = request.Records ?? throw ProblemException.BadRequest("'records' is missing.");
        RequestChecks.Inputs(runtime.Limits, records.Count, "records");
        for (int i = 0; i < records.Count; i++)
        {
            if (string.IsNullOrEmpty(records[i]?.Id))
            {
                throw ProblemException.BadRequest($"'records[{i}].id' is missing.");
            }

            RequestChecks.NonEmptyText(runtime.Limits, records[i].Text, $"'records[{i}].text'");
        }

        VectorStoreCollection<string, ChunkRecord> collection = await runtime.Collections.GetAsync(name, context.RequestAborted);
        await collection.UpsertAsync(records.Select(r => r.ToRecord()), context.RequestAborted);
        return Results.Json(new { upserted = records.Count, count = await runtime.Collections.CountAsync(collection, context.RequestAborted) }, JsonBody.Options);
    }

    private static async Task<IResult> GetRecordsAsync(string name, HttpContext context, ServerRuntime runtime)
    {
        List<string> ids = await ReadIdsAsync(context, runtime);
        VectorStoreCollection<string, ChunkRecord> collection = await runtime.Collections.GetAsync(name, context.RequestAborted);
        var found = new List<RecordDto>();
        await foreach (ChunkRecord record in collection.GetAsync(ids, cancellationToken: context.RequestAborted))
        {
            found.Add(RecordDto.From(record));
        }

        return Results.Json(new { records = found }, JsonBody.Options);
    }

    private static async Task<IResult> DeleteRecordsAsync(string name, HttpContext context, ServerRuntime runtime)
    {
        List<string> ids = await ReadIdsAsync(context, runtime);
        VectorStoreCollection<string, ChunkRecord> collection = await runtime.Collections.GetAsync(name, context.RequestAborted);
        await collection.DeleteAsync(ids, context.RequestAborted);
        return Results.Json(new { deleted = ids.Count, count = await runtime.Collections.CountAsync(collection, context.RequestAborted) }, JsonBody.Options);
    }

    private static async Task<IResult> SearchAsync(string name, HttpContext context, ServerRuntime runtime)
    {
        SearchRequest request = await JsonBody.ReadAsync<SearchRequest>(context, runtime.Limits);
        string query = RequestChecks.NonEmptyText(runtime.Limits, request.Query, "'query'");
        RetrievalOptions options = RetrievalOptionsFor(runtime, request.Mode, request.Top, 10, request.Candidates, request.Filter, request.Rerank);
        VectorStoreCollection<string, ChunkRecord> collection = await runtime.Collections.GetAsync(name, context.RequestAborted);
        var retriever = new Retriever(collection, runtime.Reranker, runtime.Embedder, new RetrieverOptions { ThrowOnRerankFailure = true });
        long started = Stopwatch.GetTimestamp();
        IReadOnlyList<RetrievedChunk> chunks = await retriever.RetrieveAsync(query, options, context.RequestAborted);
        double elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return Results.Json(new
        {
            query,
            mode = (options.Mode ?? RetrievalOptions.DefaultMode).ToString().ToLowerInvariant(),
            reranked = options.Rerank == true,
            elapsedMs = Math.Round(elapsedMs, 2),
            results = chunks.Select((c, i) => new
            {
                rank = i + 1,
                score = c.Score,
                id = c.ChunkId,
                documentId = c.DocumentId,
                source = c.Source,
                title = c.Title,
                headingPath = c.HeadingPath,
                chunkIndex = c.ChunkIndex,
                startOffset = c.StartOffset,
                endOffset = c.EndOffset,
                text = c.Text,
                firstStageScore = c.FirstStageScore,
                rerankScore = c.RerankScore,
            }),
        }, JsonBody.Options);
    }

    private static async Task<IResult> IngestAsync(string name, HttpContext context, ServerRuntime runtime)
    {
        JsonBody.CheckLength(context, runtime.Limits);
        var documents = new List<Document>();
        int? maxTokens;
        int? overlapTokens;
        bool force;
        if (context.Request.HasFormContentType)
        {
            IFormCollection form = await context.Request.ReadFormAsync(context.RequestAborted);
            RequestChecks.Inputs(runtime.Limits, form.Files.Count, "files");
            foreach (IFormFile file in form.Files)
            {
                documents.Add(await ReadFileAsync(file, runtime.Limits, context.RequestAborted));
            }

            maxTokens = ParseInt(form["maxTokens"], "maxTokens");
            overlapTokens = ParseInt(form["overlapTokens"], "overlapTokens");
            force = bool.TryParse(form["force"], out bool f) && f;
        }
        else
        {
            IngestRequest request = await JsonBody.ReadAsync<IngestRequest>(context, runtime.Limits);
            List<IngestDocumentDto> items = request.Documents ?? throw ProblemException.BadRequest("'documents' is missing.");
            RequestChecks.Inputs(runtime.Limits, items.Count, "documents");
            for (int i = 0; i < items.Count; i++)
            {
                IngestDocumentDto item = items[i] ?? throw ProblemException.BadRequest($"'documents[{i}]' is null.");
                string source = string.IsNullOrWhiteSpace(item.Source) ? throw ProblemException.BadRequest($"'documents[{i}].source' is missing.") : item.Source;
                string text = RequestChecks.Text(runtime.Limits, item.Text, $"'documents[{i}].text'");
                string id = string.IsNullOrWhiteSpace(item.Id) ? source : item.Id;
                documents.Add(IsMarkdown(source) && item.Title is null ? MarkdownDocumentLoader.Create(text, id, source) : new Document(id, source, text, item.Title));
            }

            maxTokens = request.MaxTokens;
            overlapTokens = request.OverlapTokens;
            force = request.Force == true;
        }

        if (documents.Count == 0)
        {
            throw ProblemException.BadRequest("No documents: send {\"documents\": [{\"source\": ..., \"text\": ...}]} or multipart files.");
        }

        if (documents.Select(d => d.Id).Distinct(StringComparer.Ordinal).Count() != documents.Count)
        {
            throw ProblemException.BadRequest("Two documents have the same id; give each document its own id (or source).");
        }

        var chunkerOptions = new ChunkerOptions();
        if (maxTokens is { } max)
        {
            chunkerOptions.MaxTokens = max is >= 8 and <= 8192 ? max : throw ProblemException.BadRequest($"'maxTokens' must be between 8 and 8192; it is {max}.");
        }

        if (overlapTokens is { } overlap)
        {
            chunkerOptions.OverlapTokens = overlap >= 0 && overlap < chunkerOptions.MaxTokens ? overlap : throw ProblemException.BadRequest($"'overlapTokens' must be between 0 and maxTokens - 1; it is {overlap}.");
        }

        VectorStoreCollection<string, ChunkRecord> collection = await runtime.Collections.GetAsync(name, context.RequestAborted);
        var ingestion = new IngestionOptions { Force = force };
        long started = Stopwatch.GetTimestamp();
        var results = new List<IngestionResult>();
        Document[] markdown = [.. documents.Where(d => IsMarkdown(d.Source))];
        Document[] other = [.. documents.Where(d => !IsMarkdown(d.Source))];
        if (markdown.Length > 0)
        {
            results.Add(await new IngestionPipeline(collection, new MarkdownChunker(chunkerOptions), ingestion).IngestAsync(markdown, cancellationToken: context.RequestAborted));
        }

        if (other.Length > 0)
        {
            results.Add(await new IngestionPipeline(collection, new RecursiveChunker(chunkerOptions), ingestion).IngestAsync(other, cancellationToken: context.RequestAborted));
        }

        return Results.Json(new
        {
            documents = results.Sum(r => r.Progress.Documents),
            skipped = results.Sum(r => r.Progress.DocumentsSkipped),
            failed = results.Sum(r => r.Progress.DocumentsFailed),
            chunks = results.Sum(r => r.Progress.Chunks),
            deleted = results.Sum(r => r.Progress.ChunksDeleted),
            tokens = results.Sum(r => r.Progress.Tokens),
            count = await runtime.Collections.CountAsync(collection, context.RequestAborted),
            elapsedMs = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 2),
            failures = results.SelectMany(r => r.Failures).Select(f => new { documentId = f.DocumentId, source = f.Source, message = f.Message }),
        }, JsonBody.Options);
    }

    internal static RetrievalOptions RetrievalOptionsFor(ServerRuntime runtime, string? mode, int? top, int defaultTop, int? candidates, System.Text.Json.JsonElement? filter, bool? rerank)
    {
        int topValue = RequestChecks.Top(runtime.Limits, top, defaultTop);
        int candidateValue = candidates is { } c ? Math.Max(RequestChecks.Top(runtime.Limits, c, c, "candidates"), topValue) : Math.Max(topValue, 50);
        if (rerank == true && runtime.Reranker is null)
        {
            throw ProblemException.BadRequest("'rerank' is true but the server has no reranker; start it with --rerank <dir> (setting LlamaDb:Server:Reranker).");
        }

        return new RetrievalOptions
        {
            Mode = mode?.ToLowerInvariant() switch
            {
                null or "hybrid" => RetrievalMode.Hybrid,
                "vector" => RetrievalMode.Vector,
                "keyword" => RetrievalMode.Keyword,
                _ => throw ProblemException.BadRequest($"'mode' must be vector, keyword or hybrid, not '{mode}'."),
            },
            Top = topValue,
            Candidates = candidateValue,
            Filter = ChunkFilter.Parse(filter, runtime.Limits),
            Rerank = rerank == true,
        };
    }

    private static async Task<object> InfoOfAsync(ServerRuntime runtime, string name, CancellationToken cancellationToken)
    {
        VectorStoreCollection<string, ChunkRecord> collection = await runtime.Collections.GetAsync(name, cancellationToken);
        CollectionModelInfo? model = await runtime.Collections.ReadModelFileAsync(name, cancellationToken);
        long count = await runtime.Collections.CountAsync(collection, cancellationToken);
        return new
        {
            name,
            count,
            model = model?.Model,
            dimensions = model?.Dimensions ?? runtime.Dimensions,
            createdAt = model?.CreatedAt,
            serverModel = runtime.ModelId,
            definition = runtime.Collections.Definition.Properties.Select(p => p switch
            {
                VectorStoreVectorProperty v => (object)new { name = v.Name, kind = "vector", type = v.Type?.Name, dimensions = v.Dimensions, distanceFunction = v.DistanceFunction, indexKind = v.IndexKind },
                VectorStoreDataProperty d => new { name = d.Name, kind = "data", type = d.Type?.Name, isIndexed = d.IsIndexed, isFullTextIndexed = d.IsFullTextIndexed },
                _ => new { name = p.Name, kind = "key", type = p.Type?.Name },
            }),
        };
    }

    private static async Task<List<string>> ReadIdsAsync(HttpContext context, ServerRuntime runtime)
    {
        RecordIdsRequest request = await JsonBody.ReadAsync<RecordIdsRequest>(context, runtime.Limits);
        List<string> ids = request.Ids ?? throw ProblemException.BadRequest("'ids' is missing.");
        RequestChecks.Inputs(runtime.Limits, ids.Count, "ids");
        return ids.Any(string.IsNullOrEmpty) ? throw ProblemException.BadRequest("'ids' holds an empty id.") : ids;
    }

    private static async Task<Document> ReadFileAsync(IFormFile file, ServerLimits limits, CancellationToken cancellationToken)
    {
        string source = Path.GetFileName(file.FileName);
        if (string.IsNullOrWhiteSpace(source))
        {
            throw ProblemException.BadRequest($"The uploaded file in field '{file.Name}' has no file name.");
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, cancellationToken);
        string text;
        try
        {
            text = s_strictUtf8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            throw ProblemException.BadRequest($"'{source}' is not valid UTF-8 text.");
        }

        RequestChecks.Text(limits, text, $"'{source}'");
        return Path.GetExtension(source).ToLowerInvariant() switch
        {
            ".md" or ".markdown" or ".mdx" => MarkdownDocumentLoader.Create(text, source, source),
            ".html" or ".htm" or ".xhtml" => HtmlDocumentLoader.Create(text, source, source),
            _ => new Document(source, source, text),
        };
    }

    private static bool IsMarkdown(string source) =>
        source.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || source.EndsWith(".markdown", StringComparison.OrdinalIgnoreCase) || source.EndsWith(".mdx", StringComparison.OrdinalIgnoreCase);

    private static int? ParseInt(string? value, string field) =>
        string.IsNullOrEmpty(value) ? null
        : int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out int parsed) ? parsed
        : throw ProblemException.BadRequest($"'{field}' must be an integer.");
}
