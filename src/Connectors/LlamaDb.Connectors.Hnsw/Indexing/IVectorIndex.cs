namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>
/// An in-memory vector index over caller-assigned dense ids (0, 1, 2, ... with reuse).
/// Thread safety: concurrent <see cref="Add"/> calls with distinct ids, <see cref="Remove"/> and any number of
/// searches may run at the same time. Rebuilding without tombstones is the caller's job: removed ids are
/// reused by <see cref="Add"/> (which re-links them), and a fresh index can be filled from
/// <see cref="Contains"/> + <see cref="GetVector"/> over ids below <see cref="IdLimit"/>.
/// </summary>
internal interface IVectorIndex : IDisposable
{
    /// <summary>Gets the number of vector components (bits for <see cref="VectorMetric.Hamming"/>).</summary>
    int Dimensions { get; }

    /// <summary>Gets the metric.</summary>
    VectorMetric Metric { get; }

    /// <summary>Gets the number of live (added and not removed) ids.</summary>
    int Count { get; }

    /// <summary>Gets one more than the largest id ever added (0 when empty).</summary>
    int IdLimit { get; }

    /// <summary>Gets the bytes allocated for vectors, links and per-id state (hnswlib's vectors-plus-links quantity).</summary>
    long MemoryBytes { get; }

    /// <summary>Gets the bytes of the traversed vector block alone (codes when quantized), part of <see cref="MemoryBytes"/>.</summary>
    long VectorBytes { get; }

    /// <summary>Gets the bytes of full float vectors a quantized index keeps memory-mapped for rescoring (0 when not quantized); not part of <see cref="MemoryBytes"/>.</summary>
    long RawVectorBytes { get; }

    /// <summary>Adds <paramref name="vector"/> under <paramref name="id"/>, or replaces the vector of an id that is present or was removed.</summary>
    void Add(int id, ReadOnlySpan<float> vector);

    /// <summary>Removes <paramref name="id"/> (a tombstone): no search that starts after this returns yields it. No-op when absent.</summary>
    void Remove(int id);

    /// <summary>Whether <paramref name="id"/> is live.</summary>
    bool Contains(int id);

    /// <summary>Finds the nearest live ids to <paramref name="query"/>, best first.</summary>
    /// <param name="query">The query vector (<see cref="Dimensions"/> components).</param>
    /// <param name="k">The number of hits wanted.</param>
    /// <param name="results">Receives the hits; at least <paramref name="k"/> long.</param>
    /// <param name="ef">The candidate-list size (defaults to the index's EfSearch; raised to k).</param>
    /// <param name="filter">Restricts the ids returned, or <see langword="null"/>.</param>
    /// <returns>The number of hits written.</returns>
    int Search(ReadOnlySpan<float> query, int k, Span<VectorMatch> results, int? ef = null, IIdFilter? filter = null);

    /// <summary>Exact search over <paramref name="candidateIds"/> (absent or removed ids are skipped), best first.</summary>
    /// <returns>The number of hits written.</returns>
    int SearchExact(ReadOnlySpan<float> query, int k, ReadOnlySpan<int> candidateIds, Span<VectorMatch> results);

    /// <summary>Copies the stored vector of live <paramref name="id"/> (0/1 components for Hamming).</summary>
    void GetVector(int id, Span<float> destination);

    /// <summary>Writes a binary snapshot: magic, format version, kind, parameters, body, checksum. Holds the index exclusively (adds and searches wait).</summary>
    void WriteTo(Stream stream) => WriteTo(stream, callerExcludesWriters: false);

    /// <summary>
    /// Writes a binary snapshot. When <paramref name="callerExcludesWriters"/> is true the caller guarantees that no
    /// <see cref="Add"/> or <see cref="Remove"/> runs until this returns, so the index is only held shared and searches
    /// go on while the snapshot is written (the store's checkpoint holds its write gate).
    /// </summary>
    void WriteTo(Stream stream, bool callerExcludesWriters);

    /// <summary>Reads a snapshot written by <see cref="WriteTo(Stream, bool)"/> of either index kind.</summary>
    /// <exception cref="InvalidDataException">The stream is not a valid, complete snapshot; the message says what is wrong.</exception>
    /// <param name="stream">The snapshot.</param>
    /// <param name="rawVectorDirectory">Where a quantized index keeps its raw-vector scratch file (temp folder when null).</param>
    static IVectorIndex ReadFrom(Stream stream, string? rawVectorDirectory = null) => VectorIndexSnapshot.Read(stream, rawVectorDirectory);
}
