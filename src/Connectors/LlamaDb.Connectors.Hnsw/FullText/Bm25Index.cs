using System.Runtime.InteropServices;

namespace LlamaDb.Connectors.Hnsw.FullText;

/// <summary>
/// An in-memory BM25 full-text index over one text property: documents are upserted and removed by integer id and
/// searched with free-text queries, scored like Lucene/Anserini's BM25.
/// </summary>
/// <remarks>
/// <para>
/// Scoring: <c>score(d, q) = Σ over query terms t in d of idf(t) · tf · (k1 + 1) / (tf + k1 · (1 − b + b · dl / avgdl))</c>
/// with <c>idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5))</c>. N, df and avgdl count live documents only and are kept
/// up to date by every upsert and remove. The <c>(k1 + 1)</c> factor, which Lucene 8+ drops, is kept: it scales every
/// score by the same constant, so rankings are the same either way. dl is the exact number of analyzed terms (Lucene
/// stores it lossily in one byte). A term repeated in the query counts once per occurrence, like a Lucene
/// <c>BooleanQuery</c> of one SHOULD term query per query term (Anserini's bag-of-words query boosts each distinct
/// term by its count, which is the same thing).
/// </para>
/// <para>
/// Text that analyzes to no terms (empty, or only stop words) is not indexed, as Lucene does not count a document
/// without terms in a field. Document ids index arrays, so they should be dense (row numbers), not hashes.
/// </para>
/// <para>
/// Thread-safety: any number of concurrent searches alongside upserts and removes. Searches share a read lock and
/// writers take the write lock, so a search sees each write entirely or not at all, and a document whose removal
/// has returned is never found. Text is analyzed outside the lock.
/// </para>
/// </remarks>
internal sealed partial class Bm25Index : IDisposable
{
    /// <summary>The largest document id accepted.</summary>
    public const int MaxDocId = 0x3FFF_FFFF;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly TextAnalyzer _analyzer;
    private readonly float _k1;
    private readonly float _b;

    private readonly Dictionary<string, int> _termIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _termLookup;
    private readonly Stack<int> _freeTermIds = new();
    private TermPostings?[] _terms = new TermPostings?[16];
    private int _termSlots;

    private int[] _docLengths = [];
    private int[]?[] _docTerms = [];
    private int _documentCount;
    private long _totalLength;

    /// <summary>Creates an empty index.</summary>
    /// <param name="options">The BM25 parameters; <see langword="null"/> for the defaults.</param>
    /// <param name="analyzer">The analyzer for documents and queries; <see langword="null"/> for <see cref="TextAnalyzer.English"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public Bm25Index(Bm25Options? options = null, TextAnalyzer? analyzer = null)
    {
        options ??= new Bm25Options();
        options.Validate();
        _k1 = options.K1;
        _b = options.B;
        _analyzer = analyzer ?? TextAnalyzer.English;
        _termLookup = _termIds.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Gets the number of indexed documents (those with at least one term).</summary>
    public int DocumentCount
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _documentCount;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Gets the number of distinct terms in live documents.</summary>
    public int TermCount
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _termIds.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Gets k1.</summary>
    public float K1 => _k1;

    /// <summary>Gets b.</summary>
    public float B => _b;

    /// <summary>Gets the analyzer.</summary>
    public TextAnalyzer Analyzer => _analyzer;

    /// <summary>Gets an estimate of the managed memory the index holds, in bytes.</summary>
    public long MemoryBytes
    {
        get
        {
            const int ArrayHeader = 24;
            const int ObjectHeader = 16;
            _lock.EnterReadLock();
            try
            {
                long bytes = ArrayHeader + ((long)_terms.Length * IntPtr.Size)
                    + ArrayHeader + ((long)_docLengths.Length * sizeof(int))
                    + ArrayHeader + ((long)_docTerms.Length * IntPtr.Size)
                    + ((long)_freeTermIds.Count * sizeof(int));

                // Dictionary: a bucket (int) and an entry (hash, next, key, value) per slot.
                bytes += (long)_termIds.EnsureCapacity(0) * (sizeof(int) + sizeof(int) + sizeof(int) + IntPtr.Size + sizeof(int));
                for (int termId = 0; termId < _termSlots; termId++)
                {
                    TermPostings? postings = _terms[termId];
                    if (postings is not null)
                    {
                        bytes += ObjectHeader + (3 * sizeof(int)) + (2 * IntPtr.Size)
                            + ArrayHeader + ((long)postings.Capacity * (2 * sizeof(int)))
                            + ObjectHeader + sizeof(int) + (2L * (postings.Term.Length + 1));
                    }
                }

                foreach (int[]? terms in _docTerms)
                {
                    if (terms is not null)
                    {
                        bytes += ArrayHeader + ((long)terms.Length * sizeof(int));
                    }
                }

                return bytes;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>
    /// Indexes <paramref name="text"/> as the content of <paramref name="docId"/>, replacing any previous content.
    /// <see langword="null"/>, empty text or text without terms removes the document.
    /// </summary>
    /// <param name="docId">The document id, from 0 to <see cref="MaxDocId"/>.</param>
    /// <param name="text">The text.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="docId"/> is out of range.</exception>
    public void Upsert(int docId, string? text)
    {
        ValidateDocId(docId);
        List<string> terms = [];
        if (!string.IsNullOrEmpty(text))
        {
            _analyzer.Analyze(text, terms);
        }

        if (terms.Count == 0)
        {
            Remove(docId);
            return;
        }

        var frequencies = new Dictionary<string, int>(terms.Count, StringComparer.Ordinal);
        foreach (string term in terms)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(frequencies, term, out _)++;
        }

        _lock.EnterWriteLock();
        try
        {
            // Kill the old entries first, then add the new ones (reviving dead entries in place), and only then free
            // or compact what the old text used: a term kept by the new text is neither freed nor recreated.
            int[]? oldTerms = KillPostings(docId);
            EnsureDocCapacity(docId + 1);

            int[] termIds = new int[frequencies.Count];
            int next = 0;
            foreach (KeyValuePair<string, int> pair in frequencies)
            {
                int termId = GetOrAddTerm(pair.Key);
                _terms[termId]!.Add(docId, pair.Value); // ! GetOrAddTerm returns an allocated slot.
                termIds[next++] = termId;
            }

            _docTerms[docId] = termIds;
            _docLengths[docId] = terms.Count;
            _documentCount++;
            _totalLength += terms.Count;
            if (oldTerms is not null)
            {
                MaintainTerms(oldTerms);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Removes <paramref name="docId"/>; does nothing when it is not indexed.</summary>
    /// <param name="docId">The document id.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="docId"/> is out of range.</exception>
    public void Remove(int docId)
    {
        ValidateDocId(docId);
        _lock.EnterWriteLock();
        try
        {
            int[]? oldTerms = KillPostings(docId);
            if (oldTerms is not null)
            {
                MaintainTerms(oldTerms);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _lock.Dispose();

    private static void ValidateDocId(int docId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(docId);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(docId, MaxDocId);
    }

    /// <summary>Marks every posting of <paramref name="docId"/> dead and forgets the document; returns its term ids.</summary>
    private int[]? KillPostings(int docId)
    {
        if (docId >= _docTerms.Length || _docTerms[docId] is not int[] termIds)
        {
            return null;
        }

        foreach (int termId in termIds)
        {
            _terms[termId]!.Kill(docId); // ! a live document's terms are allocated.
        }

        _totalLength -= _docLengths[docId];
        _documentCount--;
        _docLengths[docId] = 0;
        _docTerms[docId] = null;
        return termIds;
    }

    /// <summary>Frees terms no live document uses and compacts postings with many dead entries.</summary>
    private void MaintainTerms(int[] termIds)
    {
        foreach (int termId in termIds)
        {
            TermPostings? postings = _terms[termId];
            if (postings is null)
            {
                continue;
            }

            if (postings.Live == 0)
            {
                _termIds.Remove(postings.Term);
                _terms[termId] = null;
                _freeTermIds.Push(termId);
            }
            else if (postings.NeedsCompaction)
            {
                postings.Compact();
            }
        }
    }

    private int GetOrAddTerm(string term)
    {
        ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_termIds, term, out bool exists);
        if (!exists)
        {
            slot = AllocateTerm(new TermPostings(term));
        }

        return slot;
    }

    private int AllocateTerm(TermPostings postings)
    {
        int termId;
        if (_freeTermIds.Count > 0)
        {
            termId = _freeTermIds.Pop();
        }
        else
        {
            termId = _termSlots++;
            if (termId == _terms.Length)
            {
                Array.Resize(ref _terms, _terms.Length * 2);
            }
        }

        _terms[termId] = postings;
        return termId;
    }

    private void EnsureDocCapacity(int capacity)
    {
        if (capacity > _docLengths.Length)
        {
            int grown = (int)Math.Min(Math.Max(16L, (long)_docLengths.Length * 2), MaxDocId + 1L);
            int size = Math.Max(capacity, grown);
            Array.Resize(ref _docLengths, size);
            Array.Resize(ref _docTerms, size);
        }
    }
}
