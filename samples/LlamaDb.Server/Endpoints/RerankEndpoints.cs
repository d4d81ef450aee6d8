using System.Text.Json;
using LlamaDb.Server.Contracts;
using LlamaDb.Server.Hosting;

namespace LlamaDb.Server.Endpoints;

/// <summary><c>POST /v2/rerank</c>, compatible with Cohere's: results sorted by <c>relevance_score</c> (the cross-encoder's score).</summary>
internal static class RerankEndpoints
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/v2/rerank", RerankAsync)
            .WithTags("Rerank").WithSummary("Cohere-compatible rerank")
            .Accepts<CohereRerankRequest>("application/json")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static async Task RerankAsync(HttpContext context, ServerRuntime runtime)
    {
        CohereRerankRequest request = await JsonBody.ReadAsync<CohereRerankRequest>(context, runtime.Limits);
        var reranker = runtime.Reranker ?? throw new ProblemException(StatusCodes.Status503ServiceUnavailable, "No reranker",
            "The server has no reranker; start it with --rerank <dir> (setting LlamaDb:Server:Reranker, or LLAMADB_RERANKER).");
        string query = RequestChecks.NonEmptyText(runtime.Limits, request.Query, "'query'");
        List<JsonElement> documents = request.Documents ?? throw ProblemException.BadRequest("'documents' is missing.");
        RequestChecks.Inputs(runtime.Limits, documents.Count, "documents");
        var texts = new List<string>(documents.Count);
        for (int i = 0; i < documents.Count; i++)
        {
            JsonElement document = documents[i];
            string? text = document.ValueKind switch
            {
                JsonValueKind.String => document.GetString(),
                JsonValueKind.Object when document.TryGetProperty("text", out JsonElement t) && t.ValueKind == JsonValueKind.String => t.GetString(),
                _ => throw ProblemException.BadRequest($"'documents[{i}]' must be a string or an object with a string 'text'."),
            };
            texts.Add(RequestChecks.Text(runtime.Limits, text, $"'documents[{i}]'"));
        }

        // top_n only trims the answer (the documents are already bounded by MaxInputsPerRequest), so it is not held to MaxTop:
        // LlamaDb's own CohereReranker sends top_n = the document count.
        if (request.TopN is <= 0)
        {
            throw ProblemException.BadRequest($"'top_n' must be positive; it is {request.TopN}.");
        }

        int topN = Math.Min(request.TopN ?? texts.Count, texts.Count);
        IReadOnlyList<double> scores = texts.Count == 0 ? [] : await reranker.ScoreAsync(query, texts, context.RequestAborted);
        int[] order = [.. Enumerable.Range(0, texts.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(topN)];

        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteString("id", Guid.NewGuid().ToString("N"));
        writer.WriteStartArray("results");
        foreach (int index in order)
        {
            writer.WriteStartObject();
            writer.WriteNumber("index", index);
            writer.WriteNumber("relevance_score", scores[index]);
            if (request.ReturnDocuments == true)
            {
                writer.WriteStartObject("document");
                writer.WriteString("text", texts[index]);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartObject("meta");
        writer.WriteStartObject("api_version");
        writer.WriteString("version", "2");
        writer.WriteEndObject();
        writer.WriteStartObject("billed_units");
        writer.WriteNumber("search_units", 1);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteString("model", runtime.RerankerModelId);
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }
}
