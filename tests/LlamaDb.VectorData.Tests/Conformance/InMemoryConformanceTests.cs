using LlamaDb.VectorData.ConformanceTests;

namespace LlamaDb.VectorData.Tests.Conformance;

// The conformance suite against the in-memory reference store: one derived class per suite, nothing else to write.
public sealed class InMemoryCollectionManagementTests(InMemoryFixture fixture) : CollectionManagementConformanceTests<InMemoryFixture>(fixture);

public sealed class InMemoryCrudTests(InMemoryFixture fixture) : CrudConformanceTests<InMemoryFixture>(fixture);

public sealed class InMemoryVectorSearchTests(InMemoryFixture fixture) : VectorSearchConformanceTests<InMemoryFixture>(fixture);

public sealed class InMemoryFilterTests(InMemoryFixture fixture) : FilterConformanceTests<InMemoryFixture>(fixture);

public sealed class InMemoryHybridSearchTests(InMemoryFixture fixture) : HybridSearchConformanceTests<InMemoryFixture>(fixture);

public sealed class InMemoryEmbeddingGenerationTests(InMemoryFixture fixture) : EmbeddingGenerationConformanceTests<InMemoryFixture>(fixture);

public sealed class InMemoryDynamicRecordTests(InMemoryFixture fixture) : DynamicRecordConformanceTests<InMemoryFixture>(fixture);
