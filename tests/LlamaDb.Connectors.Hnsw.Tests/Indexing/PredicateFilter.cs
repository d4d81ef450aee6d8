using LlamaDb.Connectors.Hnsw.Indexing;

namespace LlamaDb.Connectors.Hnsw.Tests.Indexing;

/// <summary>An <see cref="IIdFilter"/> over a precomputed membership array.</summary>
internal sealed class PredicateFilter(bool[] members) : IIdFilter
{
    public bool Matches(int id) => (uint)id < (uint)members.Length && members[id];
}
