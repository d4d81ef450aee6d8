using FsCheck;
using FsCheck.Fluent;
using LlamaDb.Connectors.Hnsw.FullText;

namespace LlamaDb.Connectors.Hnsw.Tests.FullText;

public sealed class Bm25IndexTests
{
    private const float Tolerance = 1e-5f;

    /// <summary>
    /// N = 4, total length 10, avgdl = 2.5. "cat" is in documents 0 (tf 2, dl 3) and 3 (tf 1, dl 4).
    /// </summary>
    private static Bm25Index TinyCorpus()
    {
        var index = new Bm25Index();
        index.Upsert(0, "cat dog cat");
        index.Upsert(1, "dog fish");
        index.Upsert(2, "bird");
        index.Upsert(3, "cat fish fish bird");
        return index;
    }

    private static TextMatch[] Search(Bm25Index index, string query, int top = 10, IDocFilter? filter = null)
    {
        var results = new TextMatch[top];
        int count = index.Search(query, top, results, filter);
        return results[..count];
    }

    private static void AssertMatches(TextMatch[] actual, params (int DocId, double Score)[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].DocId, actual[i].DocId);
            Assert.Equal(expected[i].Score, actual[i].Score, Tolerance);
        }
    }

    [Fact]
    public void Search_SingleTerm_MatchesHandComputedBm25()
    {
        using Bm25Index index = TinyCorpus();

        // idf(cat) = ln(1 + (4 - 2 + 0.5) / (2 + 0.5)) = ln 2 = 0.6931472
        // doc 0: K = 0.9 * (1 - 0.4 + 0.4 * 3 / 2.5) = 0.972;  ln 2 * 2 * 1.9 / (2 + 0.972) = 0.8862582
        // doc 3: K = 0.9 * (1 - 0.4 + 0.4 * 4 / 2.5) = 1.116;  ln 2 * 1 * 1.9 / (1 + 1.116) = 0.6223911
        AssertMatches(Search(index, "cat"), (0, 0.8862582), (3, 0.6223911));
    }

    [Fact]
    public void Search_TwoTerms_SumsPerTermScores()
    {
        using Bm25Index index = TinyCorpus();

        // idf(fish) = ln 2 too; doc 1: K = 0.9 * (0.6 + 0.4 * 2 / 2.5) = 0.828 -> ln 2 * 1.9 / 1.828 = 0.7204484
        // doc 3: fish tf 2 -> ln 2 * 2 * 1.9 / (2 + 1.116) = 0.8453015, plus cat 0.6223911 = 1.4676926
        AssertMatches(Search(index, "cats and fishes"), (3, 1.4676926), (0, 0.8862582), (1, 0.7204484));
    }

    [Fact]
    public void Search_RepeatedQueryTerm_CountsEachOccurrence()
    {
        using Bm25Index index = TinyCorpus();
        AssertMatches(Search(index, "cat CAT"), (0, 2 * 0.8862582), (3, 2 * 0.6223911));
    }

    [Fact]
    public void Search_EqualScores_BreakTiesByAscendingDocId()
    {
        using var index = new Bm25Index();
        index.Upsert(7, "owl");
        index.Upsert(2, "owl");
        index.Upsert(5, "owl");
        Assert.Equal([2, 5, 7], Search(index, "owl").Select(m => m.DocId));
        Assert.Equal([2, 5], Search(index, "owl", top: 2).Select(m => m.DocId));
    }

    [Fact]
    public void Search_CustomParameters_UseThem()
    {
        using var index = new Bm25Index(new Bm25Options { K1 = 1.2f, B = 0.75f });
        index.Upsert(0, "cat dog cat");
        index.Upsert(1, "dog");

        // N = 2, df(cat) = 1: idf = ln(1 + 1.5 / 1.5) = ln 2; avgdl = 2; K = 1.2 * (0.25 + 0.75 * 3 / 2) = 1.65
        // ln 2 * 2 * 2.2 / (2 + 1.65) = 0.8355747
        AssertMatches(Search(index, "cat"), (0, 0.8355747));
    }

    [Fact]
    public void Search_RankingSanity_PrefersRareTermsAndShortDocuments()
    {
        using var index = new Bm25Index();
        index.Upsert(0, "The solar panel converts sunlight into electricity.");
        index.Upsert(1, "Wind turbines generate electricity from moving air.");
        index.Upsert(2, "Solar energy: panels, inverters and batteries for solar power at home.");
        index.Upsert(3, "A recipe for apple pie with cinnamon.");
        index.Upsert(4, "Electricity prices rose in the winter; electricity demand peaked.");
        index.Upsert(5, "Photovoltaic solar cells turn light into electric current, a long explanation of semiconductor junctions, doping, band gaps, carriers, recombination and the many engineering trade-offs in manufacturing.");

        TextMatch[] solar = Search(index, "solar panels");
        Assert.Equal(2, solar[0].DocId); // two solar + panel
        Assert.Equal(0, solar[1].DocId); // solar + panel, short
        Assert.Equal(5, solar[2].DocId); // solar only, long
        Assert.Equal(3, solar.Length);

        Assert.Equal(3, Search(index, "apple pie recipe")[0].DocId);
        Assert.Equal(4, Search(index, "electricity")[0].DocId); // tf 2
        Assert.Empty(Search(index, "quantum chromodynamics"));
        Assert.Empty(Search(index, "the and of"));
    }

    [Fact]
    public void Search_NeverReturnsDocumentsWithoutAQueryTerm()
    {
        using Bm25Index index = TinyCorpus();
        TextMatch[] all = Search(index, "cat", top: 4);
        Assert.DoesNotContain(all, m => m.DocId is 1 or 2);
    }

    [Fact]
    public void Upsert_ExistingDocument_ReplacesTextAndStatistics()
    {
        using Bm25Index index = TinyCorpus();
        index.Upsert(1, "cat");
        index.Remove(2);

        // N = 3, df(cat) = 3: idf = ln(1 + 0.5 / 3.5); avgdl = 8 / 3
        AssertMatches(Search(index, "cat"), (0, 0.1722986), (1, 0.1514684), (3, 0.1219758));
        Assert.DoesNotContain(Search(index, "bird dog fish"), m => m.DocId == 1);
        Assert.Equal(3, index.DocumentCount);
    }

    [Fact]
    public void Upsert_SameTextTwice_GivesSameScoresAsOnce()
    {
        using Bm25Index once = TinyCorpus();
        using Bm25Index twice = TinyCorpus();
        twice.Upsert(3, "cat fish fish bird");
        twice.Upsert(0, "something else");
        twice.Upsert(0, "cat dog cat");
        Assert.Equal(Search(once, "cat fish bird dog"), Search(twice, "cat fish bird dog"));
        Assert.Equal(once.TermCount, twice.TermCount);
    }

    [Fact]
    public void Upsert_NullEmptyOrStopWordsOnly_RemovesTheDocument()
    {
        using Bm25Index index = TinyCorpus();
        index.Upsert(0, null);
        index.Upsert(3, "");
        index.Upsert(1, "the and of");
        Assert.Empty(Search(index, "cat fish dog"));
        Assert.Equal(1, index.DocumentCount);
        Assert.Equal(1, index.TermCount);
    }

    [Fact]
    public void Remove_Document_DisappearsFromResultsAndStatistics()
    {
        using Bm25Index index = TinyCorpus();
        index.Remove(0);
        index.Remove(0);
        index.Remove(1000);

        // N = 3, df(cat) = 1: idf = ln(1 + 2.5 / 1.5); avgdl = 7 / 3; doc 3: K = 0.9 * (0.6 + 0.4 * 4 / (7 / 3))
        double idf = Math.Log(1 + (2.5 / 1.5));
        double k = 0.9 * (0.6 + (0.4 * 4 / (7.0 / 3)));
        AssertMatches(Search(index, "cat"), (3, idf * 1.9 / (1 + k)));
        Assert.Equal(3, index.DocumentCount);
    }

    [Fact]
    public void Remove_EveryDocument_ReclaimsTermsAndPostings()
    {
        using var index = new Bm25Index();
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            index.Upsert(i, FullTextTestData.RandomText(random, 12) + " unique" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        long full = index.MemoryBytes;
        for (int i = 0; i < 2000; i++)
        {
            index.Remove(i);
        }

        Assert.Equal(0, index.DocumentCount);
        Assert.Equal(0, index.TermCount);
        Assert.Empty(Search(index, "cat unique5"));
        Assert.True(index.MemoryBytes < full / 2, $"{index.MemoryBytes} bytes after removing everything, {full} before");
    }

    [Fact]
    public void Remove_HalfTheDocuments_CompactsPostings()
    {
        using var index = new Bm25Index();
        for (int i = 0; i < 4000; i++)
        {
            index.Upsert(i, "common");
        }

        long full = index.MemoryBytes;
        for (int i = 0; i < 4000; i += 2)
        {
            index.Remove(i);
        }

        // Doc-id arrays stay; the 32 KB postings array of "common" must have been compacted and shrunk.
        Assert.True(index.MemoryBytes < full - 8000, $"{index.MemoryBytes} bytes after, {full} before");
        TextMatch[] results = Search(index, "common", top: 4000);
        Assert.Equal(2000, results.Length);
        Assert.All(results, m => Assert.Equal(1, m.DocId % 2));
    }

    [Fact]
    public void Search_Filter_RestrictsResultsAndKeepsTopK()
    {
        using Bm25Index index = TinyCorpus();
        AssertMatches(Search(index, "cat fish", filter: new TestDocFilter(id => id != 3)), (0, 0.8862582), (1, 0.7204484));
        AssertMatches(Search(index, "cat fish", top: 1, filter: new TestDocFilter(id => id != 3)), (0, 0.8862582));
        Assert.Empty(Search(index, "cat fish", filter: new TestDocFilter(_ => false)));
    }

    [Fact]
    public void Search_InvalidArguments_Throw()
    {
        using Bm25Index index = TinyCorpus();
        Assert.Throws<ArgumentNullException>(() => index.Search(null!, 1, new TextMatch[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search("cat", -1, new TextMatch[1]));
        Assert.Throws<ArgumentException>(() => index.Search("cat", 3, new TextMatch[2]));
        Assert.Equal(0, index.Search("cat", 0, []));
    }

    [Fact]
    public void Upsert_InvalidDocId_Throws()
    {
        using var index = new Bm25Index();
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Upsert(-1, "cat"));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Upsert(Bm25Index.MaxDocId + 1, "cat"));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Remove(-1));
    }

    [Theory]
    [InlineData(-0.1f, 0.4f, "K1")]
    [InlineData(float.NaN, 0.4f, "K1")]
    [InlineData(float.PositiveInfinity, 0.4f, "K1")]
    [InlineData(0.9f, -0.01f, "B")]
    [InlineData(0.9f, 1.01f, "B")]
    [InlineData(0.9f, float.NaN, "B")]
    public void Constructor_InvalidOptions_ThrowNamingTheOption(float k1, float b, string name)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Bm25Index(new Bm25Options { K1 = k1, B = b }));
        Assert.Equal(name, e.ParamName);
    }

    [Fact]
    public void Options_Defaults_AreAnserinis()
    {
        var options = new Bm25Options();
        Assert.Equal(0.9f, options.K1);
        Assert.Equal(0.4f, options.B);
        using var boundary = new Bm25Index(new Bm25Options { K1 = 0, B = 1 });
        boundary.Upsert(0, "cat");
        Assert.Single(Search(boundary, "cat"));
    }

    /// <summary>Scores every live document by the formula, straight from its text.</summary>
    private static List<(int DocId, double Score)> ReferenceRanking(Dictionary<int, string> documents, string query, float k1 = 0.9f, float b = 0.4f)
    {
        var analyzed = documents.ToDictionary(pair => pair.Key, pair =>
        {
            var terms = new List<string>();
            TextAnalyzer.English.Analyze(pair.Value, terms);
            return terms;
        });
        var live = analyzed.Where(pair => pair.Value.Count > 0).ToList();
        double n = live.Count;
        double avgdl = live.Sum(pair => pair.Value.Count) / n;
        var queryTerms = new List<string>();
        TextAnalyzer.English.Analyze(query, queryTerms);

        var ranking = new List<(int DocId, double Score)>();
        foreach ((int docId, List<string> terms) in live)
        {
            double score = 0;
            bool matched = false;
            foreach (string term in queryTerms)
            {
                int tf = terms.Count(t => t == term);
                if (tf == 0)
                {
                    continue;
                }

                int df = live.Count(pair => pair.Value.Contains(term));
                double idf = Math.Log(1 + ((n - df + 0.5) / (df + 0.5)));
                score += idf * tf * (k1 + 1) / (tf + (k1 * (1 - b + (b * terms.Count / avgdl))));
                matched = true;
            }

            if (matched)
            {
                ranking.Add((docId, score));
            }
        }

        return [.. ranking.OrderByDescending(r => r.Score).ThenBy(r => r.DocId)];
    }

    [Fact]
    public void Search_RandomCorporaAndEdits_MatchesReferenceScoresAndTopKIsPrefixOfFullSort()
    {
        Gen<(int Seed, int Top, int Vocabulary)> cases =
            from seed in Gen.Choose(0, int.MaxValue)
            from top in Gen.Choose(1, 30)
            from vocabulary in Gen.Choose(2, 20)
            select (seed, top, vocabulary);

        Check.One(FullTextTestData.Seeded(150), Prop.ForAll(Arb.From(cases), c =>
        {
            var random = new Random(c.Seed);
            var documents = new Dictionary<int, string>();
            using var index = new Bm25Index();
            int operations = random.Next(1, 120);
            for (int i = 0; i < operations; i++)
            {
                int docId = random.Next(60);
                if (random.Next(5) == 0)
                {
                    index.Remove(docId);
                    documents.Remove(docId);
                }
                else
                {
                    string text = random.Next(10) == 0 ? "the of and" : FullTextTestData.RandomText(random, 10, c.Vocabulary);
                    index.Upsert(docId, text);
                    documents[docId] = text;
                }
            }

            string query = FullTextTestData.RandomText(random, 4, c.Vocabulary + 2);
            List<(int DocId, double Score)> expected = ReferenceRanking(documents, query);
            TextMatch[] full = Search(index, query, top: 64);
            TextMatch[] topK = Search(index, query, top: c.Top);

            bool fullMatches = full.Length == expected.Count;
            for (int i = 0; fullMatches && i < full.Length; i++)
            {
                fullMatches = Math.Abs(full[i].Score - expected[i].Score) <= Tolerance * Math.Max(1, expected[i].Score)
                    && (full[i].DocId == expected[i].DocId || Math.Abs(expected[i].Score - full[i].Score) <= Tolerance);
            }

            bool sorted = true;
            for (int i = 1; i < full.Length; i++)
            {
                sorted &= full[i - 1].Score > full[i].Score || (full[i - 1].Score == full[i].Score && full[i - 1].DocId < full[i].DocId);
            }

            bool prefix = topK.SequenceEqual(full.Take(c.Top));
            var filter = new TestDocFilter(id => id % 3 != 0);
            bool filtered = Search(index, query, top: c.Top, filter).SequenceEqual(full.Where(m => m.DocId % 3 != 0).Take(c.Top));
            return fullMatches && sorted && prefix && filtered && index.DocumentCount == documents.Count(d => d.Value != "the of and");
        }));
    }
}
