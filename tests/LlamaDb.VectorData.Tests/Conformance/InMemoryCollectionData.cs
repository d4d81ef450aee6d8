namespace LlamaDb.VectorData.Tests.Conformance;

/// <summary>The records of one in-memory collection: by key, each a map from model name to a stored (copied) value.</summary>
internal sealed class InMemoryCollectionData
{
    public Lock Lock { get; } = new();

    public Dictionary<object, Dictionary<string, object?>> Records { get; } = [];
}
