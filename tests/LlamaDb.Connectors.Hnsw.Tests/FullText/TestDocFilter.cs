using LlamaDb.Connectors.Hnsw.FullText;

namespace LlamaDb.Connectors.Hnsw.Tests.FullText;

/// <summary>A filter that accepts the documents a predicate accepts.</summary>
internal sealed class TestDocFilter(Func<int, bool> predicate) : IDocFilter
{
    public bool Matches(int docId) => predicate(docId);
}
