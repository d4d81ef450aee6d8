using LlamaDb.VectorData.ConformanceTests;
using Microsoft.Extensions.AI;

namespace LlamaDb.VectorData.Tests.Conformance;

/// <summary>Runs the conformance suite against <see cref="InMemoryVectorStore"/>.</summary>
public sealed class InMemoryFixture : VectorStoreFixture
{
    public override string IndexKind => VectorData.IndexKind.Flat;

    public override VectorStore CreateStore() => new InMemoryVectorStore();

    public override VectorStoreCollection<TKey, TRecord> GetCollection<TKey, TRecord>(VectorStore store, string name, VectorStoreCollectionDefinition? definition, IEmbeddingGenerator embeddingGenerator) =>
        ((InMemoryVectorStore)store).GetCollection<TKey, TRecord>(name, definition, embeddingGenerator);
}
