using System.Text.Json;
using LlamaDb.Retrieval;

namespace LlamaDb.Server.Contracts;

/// <summary><c>POST /v1/collections</c>.</summary>
internal sealed record CreateCollectionRequest(string? Name);

/// <summary>A stored chunk as JSON.</summary>
internal sealed class RecordDto
{
    /// <summary>The record id (required).</summary>
    public string? Id { get; set; }

    /// <summary>The document id; the record id when omitted.</summary>
    public string? DocumentId { get; set; }

    /// <summary>The chunk's position in its document.</summary>
    public int ChunkIndex { get; set; }

    /// <summary>The text (required; embedded and full-text indexed).</summary>
    public string? Text { get; set; }

    /// <summary>The source (path or URL).</summary>
    public string? Source { get; set; }

    /// <summary>The document title.</summary>
    public string? Title { get; set; }

    /// <summary>The heading path.</summary>
    public string? HeadingPath { get; set; }

    /// <summary>Start offset in the document.</summary>
    public int StartOffset { get; set; }

    /// <summary>End offset in the document.</summary>
    public int EndOffset { get; set; }

    /// <summary>Token count.</summary>
    public int TokenCount { get; set; }

    /// <summary>The document's content hash.</summary>
    public string? ContentHash { get; set; }

    internal static RecordDto From(ChunkRecord r) => new()
    {
        Id = r.Id,
        DocumentId = r.DocumentId,
        ChunkIndex = r.ChunkIndex,
        Text = r.Text,
        Source = r.Source,
        Title = r.Title,
        HeadingPath = r.HeadingPath,
        StartOffset = r.StartOffset,
        EndOffset = r.EndOffset,
        TokenCount = r.TokenCount,
        ContentHash = r.ContentHash,
    };

    internal ChunkRecord ToRecord() => new()
    {
        Id = Id!,
        DocumentId = string.IsNullOrEmpty(DocumentId) ? Id! : DocumentId,
        ChunkIndex = ChunkIndex,
        Text = Text!,
        Source = Source ?? string.Empty,
        Title = Title,
        HeadingPath = HeadingPath,
        StartOffset = StartOffset,
        EndOffset = EndOffset == 0 && StartOffset == 0 ? Text!.Length : EndOffset,
        TokenCount = TokenCount,
        ContentHash = ContentHash ?? string.Empty,
    };
}

/// <summary><c>POST /v1/collections/{name}/records</c>.</summary>
internal sealed record UpsertRecordsRequest(List<RecordDto>? Records);

/// <summary><c>POST /v1/collections/{name}/records/get</c> and <c>/records/delete</c>.</summary>
internal sealed record RecordIdsRequest(List<string>? Ids);

/// <summary><c>POST /v1/collections/{name}/search</c>.</summary>
internal sealed class SearchRequest
{
    /// <summary>The query text (required).</summary>
    public string? Query { get; set; }

    /// <summary><c>vector</c>, <c>keyword</c> or <c>hybrid</c> (default).</summary>
    public string? Mode { get; set; }

    /// <summary>How many results (default 10).</summary>
    public int? Top { get; set; }

    /// <summary>First-stage candidates (default max(top, 50)).</summary>
    public int? Candidates { get; set; }

    /// <summary>Equality / in-list filter, e.g. <c>{"documentId": "a.md", "source": ["x", "y"]}</c>.</summary>
    public JsonElement? Filter { get; set; }

    /// <summary>Rerank the candidates with the server's cross-encoder (default false).</summary>
    public bool? Rerank { get; set; }
}

/// <summary>One document to ingest.</summary>
internal sealed class IngestDocumentDto
{
    /// <summary>The document id; the source when omitted.</summary>
    public string? Id { get; set; }

    /// <summary>The source (required): path or URL; <c>.md</c> sources are chunked by headings.</summary>
    public string? Source { get; set; }

    /// <summary>The title.</summary>
    public string? Title { get; set; }

    /// <summary>The text (required).</summary>
    public string? Text { get; set; }
}

/// <summary><c>POST /v1/collections/{name}/documents</c> as JSON.</summary>
internal sealed class IngestRequest
{
    /// <summary>The documents.</summary>
    public List<IngestDocumentDto>? Documents { get; set; }

    /// <summary>Largest chunk in (estimated) tokens; default 256.</summary>
    public int? MaxTokens { get; set; }

    /// <summary>Overlap between chunks in tokens; default 32.</summary>
    public int? OverlapTokens { get; set; }

    /// <summary>Rewrite documents even when unchanged.</summary>
    public bool? Force { get; set; }
}

/// <summary><c>POST /ask</c>.</summary>
internal sealed class AskRequest
{
    /// <summary>The question (required).</summary>
    public string? Question { get; set; }

    /// <summary>The collection; the server's default when omitted.</summary>
    public string? Collection { get; set; }

    /// <summary>Retrieval mode (default hybrid).</summary>
    public string? Mode { get; set; }

    /// <summary>Chunks given to the model (default 5).</summary>
    public int? Top { get; set; }

    /// <summary>Equality / in-list filter.</summary>
    public JsonElement? Filter { get; set; }

    /// <summary>Rerank candidates (default false).</summary>
    public bool? Rerank { get; set; }

    /// <summary>Stream the answer as server-sent events.</summary>
    public bool? Stream { get; set; }
}
