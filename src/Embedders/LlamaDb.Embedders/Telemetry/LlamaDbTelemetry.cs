namespace LlamaDb.Embedders;

/// <summary>
/// Names LlamaDb uses for its telemetry. Traces and metrics for embedding calls come from Microsoft.Extensions.AI's
/// <c>OpenTelemetryEmbeddingGenerator</c>; pass <see cref="SourceName"/> so that its <c>ActivitySource</c> and <c>Meter</c>
/// are named <c>LlamaDb.Embeddings</c>:
/// <code>builder.UseOpenTelemetry(sourceName: LlamaDbTelemetry.SourceName)</code>
/// and subscribe with <c>AddSource(LlamaDbTelemetry.SourceName)</c> / <c>AddMeter(LlamaDbTelemetry.SourceName)</c>.
/// </summary>
public static class LlamaDbTelemetry
{
    /// <summary>The activity source and meter name for embedding calls: <c>LlamaDb.Embeddings</c>.</summary>
    public const string SourceName = "LlamaDb.Embeddings";
}
