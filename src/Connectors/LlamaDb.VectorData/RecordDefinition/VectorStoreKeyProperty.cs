namespace LlamaDb.VectorData;

/// <summary>The key property of a record definition.</summary>
/// <param name="name">The property's name.</param>
/// <param name="type">The key type: <see cref="string"/>, <see cref="Guid"/>, <see cref="ulong"/>, <see cref="long"/> or <see cref="int"/>.</param>
public sealed class VectorStoreKeyProperty(string name, Type? type = null) : VectorStoreProperty(name, type);
