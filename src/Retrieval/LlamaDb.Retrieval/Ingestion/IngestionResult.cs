namespace LlamaDb.Retrieval;

/// <summary>The outcome of an ingestion run.</summary>
/// <param name="Progress">The final counts.</param>
/// <param name="Failures">The documents that could not be chunked, with the reason.</param>
public sealed record IngestionResult(IngestionProgress Progress, IReadOnlyList<IngestionFailure> Failures);

/// <summary>A document an ingestion run could not handle.</summary>
/// <param name="DocumentId">The document id.</param>
/// <param name="Source">The document source.</param>
/// <param name="Message">Why.</param>
public sealed record IngestionFailure(string DocumentId, string Source, string Message);
