using LlamaDb.Retrieval;

namespace LlamaDb.Retrieval.Tests.TestDoubles;

/// <summary>An <see cref="IRetriever"/> over a fixed, ranked list of chunks: returns the first <c>Top</c>; records each call.</summary>
public sealed class FixedRetriever(params RetrievedChunk[] chunks) : IRetriever
{
    private readonly List<(string Query, RetrievalOptions? Options)> _calls = [];

    public IReadOnlyList<(string Query, RetrievalOptions? Options)> Calls => _calls;

    public Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(string query, RetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _calls.Add((query, options));
        int top = options?.Top ?? 10;
        return Task.FromResult<IReadOnlyList<RetrievedChunk>>([.. chunks.Take(top)]);
    }

    /// <summary>A chunk of document <paramref name="documentId"/> with offsets derived from its index.</summary>
    public static RetrievedChunk Chunk(string documentId, int index, string text, double score, string? title = null) =>
        new($"{documentId}#{index}", documentId, text, score)
        {
            Source = $"docs/{documentId}.md",
            Title = title,
            ChunkIndex = index,
            StartOffset = index * 1000,
            EndOffset = (index * 1000) + text.Length,
            FirstStageScore = score,
        };
}
