using System.Buffers;

namespace LlamaDb.Connectors.Hnsw.FullText;

/// <content>Search: document-at-a-time scoring over the sorted postings with a bounded min-heap for the top k.</content>
internal sealed partial class Bm25Index
{
    private const int StackallocTermThreshold = 64;

    /// <summary>
    /// Finds the <paramref name="top"/> best-scoring documents for <paramref name="query"/>, best first (ties by
    /// ascending document id). Only documents containing at least one query term are returned.
    /// </summary>
    /// <param name="query">The query text, analyzed like documents.</param>
    /// <param name="top">How many documents to return at most.</param>
    /// <param name="results">Receives the matches; must hold at least <paramref name="top"/> items.</param>
    /// <param name="filter">Restricts which documents may be returned; <see langword="null"/> for all.</param>
    /// <returns>The number of matches written to <paramref name="results"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="top"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="results"/> is shorter than <paramref name="top"/>.</exception>
    public int Search(string query, int top, Span<TextMatch> results, IDocFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        if (results.Length < top)
        {
            throw new ArgumentException($"The results span holds {results.Length} items but top is {top}.", nameof(results));
        }

        if (top == 0)
        {
            return 0;
        }

        List<string> queryTerms = [];
        _analyzer.Analyze(query, queryTerms);
        if (queryTerms.Count == 0)
        {
            return 0;
        }

        TermPostings[] lists = ArrayPool<TermPostings>.Shared.Rent(queryTerms.Count);
        double[] weights = ArrayPool<double>.Shared.Rent(queryTerms.Count);
        int[]? rentedCursors = null;
        _lock.EnterReadLock();
        try
        {
            int termCount = ResolveQueryTerms(queryTerms, lists, weights);
            if (termCount == 0)
            {
                return 0;
            }

            Span<int> cursors = termCount <= StackallocTermThreshold
                ? stackalloc int[StackallocTermThreshold]
                : (rentedCursors = ArrayPool<int>.Shared.Rent(termCount));
            cursors = cursors[..termCount];
            cursors.Clear();
            return ScoreAll(lists.AsSpan(0, termCount), weights.AsSpan(0, termCount), cursors, results[..top], filter);
        }
        finally
        {
            _lock.ExitReadLock();
            Array.Clear(lists, 0, queryTerms.Count);
            ArrayPool<TermPostings>.Shared.Return(lists);
            ArrayPool<double>.Shared.Return(weights);
            if (rentedCursors is not null)
            {
                ArrayPool<int>.Shared.Return(rentedCursors);
            }
        }
    }

    /// <summary>
    /// Looks up the distinct query terms present in the index; each weight is idf · (k1 + 1) times the number of
    /// times the term occurs in the query. Returns how many terms were found.
    /// </summary>
    private int ResolveQueryTerms(List<string> queryTerms, TermPostings[] lists, double[] weights)
    {
        int count = 0;
        foreach (string term in queryTerms)
        {
            if (!_termLookup.TryGetValue(term.AsSpan(), out int termId))
            {
                continue;
            }

            TermPostings postings = _terms[termId]!; // ! terms in the dictionary are allocated.
            int existing = Array.IndexOf(lists, postings, 0, count);
            if (existing >= 0)
            {
                weights[existing] += 1;
            }
            else
            {
                lists[count] = postings;
                weights[count] = 1;
                count++;
            }
        }

        double n = _documentCount;
        for (int i = 0; i < count; i++)
        {
            double df = lists[i].Live;
            double idf = Math.Log(1 + ((n - df + 0.5) / (df + 0.5)));
            weights[i] *= idf * (_k1 + 1);
        }

        return count;
    }

    private int ScoreAll(ReadOnlySpan<TermPostings> lists, ReadOnlySpan<double> weights, Span<int> cursors,
        Span<TextMatch> heap, IDocFilter? filter)
    {
        double k1 = _k1;
        double lengthWeight = k1 * _b / (_totalLength / (double)_documentCount);
        double constantNorm = k1 * (1 - _b);
        int[] docLengths = _docLengths;
        int found = 0;
        while (true)
        {
            // The next document: the smallest id under any cursor.
            int docId = int.MaxValue;
            for (int t = 0; t < lists.Length; t++)
            {
                ReadOnlySpan<Posting> items = lists[t].Items;
                if (cursors[t] < items.Length && items[cursors[t]].DocId < docId)
                {
                    docId = items[cursors[t]].DocId;
                }
            }

            if (docId == int.MaxValue)
            {
                break;
            }

            double score = 0;
            bool matched = false;
            double norm = constantNorm + (lengthWeight * docLengths[docId]);
            for (int t = 0; t < lists.Length; t++)
            {
                ReadOnlySpan<Posting> items = lists[t].Items;
                int cursor = cursors[t];
                if (cursor < items.Length && items[cursor].DocId == docId)
                {
                    int tf = items[cursor].Tf;
                    if (tf != 0)
                    {
                        score += weights[t] * tf / (tf + norm);
                        matched = true;
                    }

                    cursors[t] = cursor + 1;
                }
            }

            if (!matched || (filter is not null && !filter.Matches(docId)))
            {
                continue;
            }

            found = Offer(heap, found, new TextMatch(docId, (float)score));
        }

        SortDescending(heap[..found]);
        return found;
    }

    /// <summary>Adds a match to the bounded min-heap whose root is the worst match kept; returns the new size.</summary>
    private static int Offer(Span<TextMatch> heap, int count, TextMatch match)
    {
        if (count < heap.Length)
        {
            int child = count;
            while (child > 0)
            {
                int parent = (child - 1) >> 1;
                if (!IsWorse(match, heap[parent]))
                {
                    break;
                }

                heap[child] = heap[parent];
                child = parent;
            }

            heap[child] = match;
            return count + 1;
        }

        if (IsWorse(heap[0], match))
        {
            SiftDown(heap, match, count);
        }

        return count;
    }

    /// <summary>Places <paramref name="match"/> at the root of <c>heap[..count]</c> and sifts it down.</summary>
    private static void SiftDown(Span<TextMatch> heap, TextMatch match, int count)
    {
        int parent = 0;
        while (true)
        {
            int child = (2 * parent) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && IsWorse(heap[child + 1], heap[child]))
            {
                child++;
            }

            if (!IsWorse(heap[child], match))
            {
                break;
            }

            heap[parent] = heap[child];
            parent = child;
        }

        heap[parent] = match;
    }

    /// <summary>Heap sort: repeatedly moves the worst match to the end, leaving the best first.</summary>
    private static void SortDescending(Span<TextMatch> heap)
    {
        for (int end = heap.Length - 1; end > 0; end--)
        {
            TextMatch worst = heap[0];
            SiftDown(heap, heap[end], end);
            heap[end] = worst;
        }
    }

    /// <summary>Lower score is worse; on equal scores the larger document id is worse.</summary>
    private static bool IsWorse(TextMatch a, TextMatch b) =>
        a.Score < b.Score || (a.Score == b.Score && a.DocId > b.DocId);
}
