namespace LlamaDb.Retrieval.Tests.Loaders;

public sealed class LoaderTests
{
    private static readonly byte[] s_invalidUtf8 = [(byte)'o', (byte)'k', 0xC3, 0x28, (byte)'!'];

    [Fact]
    public async Task TextLoader_Utf8File_KeepsTextAndHashesIt()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("notes.txt", "\uFEFFhello\r\nwörld");
        Document document = await new TextDocumentLoader().LoadAsync(path, "notes");
        Assert.Equal("notes", document.Id);
        Assert.Equal("hello\r\nwörld", document.Text);
        Assert.Equal("notes", document.Title);
        Assert.Equal(path, document.Source);
        Assert.Equal(Document.ComputeHash("hello\r\nwörld", "notes"), document.ContentHash);
        Assert.Equal(64, document.ContentHash.Length);
    }

    [Fact]
    public void ComputeHash_DifferentTextOrTitle_Differs()
    {
        Assert.NotEqual(Document.ComputeHash("a"), Document.ComputeHash("b"));
        Assert.NotEqual(Document.ComputeHash("a", "t1"), Document.ComputeHash("a", "t2"));
        Assert.Equal(Document.ComputeHash("a", "t"), Document.ComputeHash("a", "t"));
    }

    [Fact]
    public async Task TextLoader_InvalidUtf8_ThrowsWithInvalidEncodingProblem()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("bad.txt", s_invalidUtf8);
        DocumentLoadException ex = await Assert.ThrowsAsync<DocumentLoadException>(() => new TextDocumentLoader().LoadAsync(path));
        Assert.Equal(DocumentLoadProblemKind.InvalidEncoding, ex.Problem.Kind);
        Assert.Equal(path, ex.Problem.Source);
    }

    [Fact]
    public void MarkdownLoader_FrontMatterTitle_WinsOverHeadingAndTextIsUnchanged()
    {
        string markdown = "---\ntitle: \"Guide\"\nauthor: me\n---\n# Heading One\n\nBody *text*.\n";
        Document document = MarkdownDocumentLoader.Create(markdown, "g", "g.md");
        Assert.Equal("Guide", document.Title);
        Assert.Equal("me", document.Metadata["author"]);
        Assert.Equal(markdown, document.Text);
    }

    [Fact]
    public void MarkdownLoader_NoFrontMatter_TitleIsFirstHeadingPlainText()
    {
        Document document = MarkdownDocumentLoader.Create("intro\n\n## Install `llamadb` *now*\n\ntext\n# Later\n", "d", "docs/readme.md");
        Assert.Equal("Install llamadb now", document.Title);
        Assert.Equal("readme", MarkdownDocumentLoader.Create("no headings", "d", "docs/readme.md").Title);
    }

    [Fact]
    public void HtmlLoader_Page_TakesTitleAndMainTextWithoutScriptsStylesOrNav()
    {
        const string html = """
            <html lang="en"><head><title> My   Page </title><style>body { color: red }</style></head>
            <body><nav><a href="/">Home</a> | <a href="/x">Menu</a></nav>
            <main><h1>Header</h1><p>First   paragraph
            with <b>bold</b> words.</p><script>var secret = 1;</script><ul><li>one</li><li>two</li></ul>
            <pre>code  line 1
              indented</pre></main>
            <footer>Copyright</footer></body></html>
            """;
        Document document = HtmlDocumentLoader.Create(html, "p", "p.html");
        Assert.Equal("My Page", document.Title);
        Assert.Equal("en", document.Metadata["lang"]);
        Assert.Contains("First paragraph with bold words.", document.Text, StringComparison.Ordinal);
        Assert.Contains("Header", document.Text, StringComparison.Ordinal);
        Assert.Contains("one\ntwo", document.Text, StringComparison.Ordinal);
        Assert.Contains("code  line 1\n  indented", document.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", document.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("color", document.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Menu", document.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Copyright", document.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BeirCorpusLoader_BadLines_AreReportedAndSkipped()
    {
        using var dir = new TempDirectory();
        byte[] good1 = "{\"_id\": \"1\", \"title\": \"T1\", \"text\": \"first\"}\n"u8.ToArray();
        byte[] malformed = "{\"_id\": \"2\", \"title\": \n"u8.ToArray();
        byte[] invalid = [.. "{\"_id\": \"3\", \"text\": \"x"u8.ToArray(), 0xFF, .. "\"}\r\n"u8.ToArray()];
        byte[] good2 = "{\"_id\": 4, \"text\": \"fourth\"}"u8.ToArray();
        string path = dir.Write("corpus.jsonl", [.. good1, .. malformed, .. invalid, .. "\n"u8.ToArray(), .. good2]);
        var problems = new SynchronousProgress<DocumentLoadProblem>();
        var loader = new BeirCorpusLoader { IncludeTitleInText = true };
        var documents = new List<Document>();
        await foreach (Document document in loader.LoadAsync(path, problems))
        {
            documents.Add(document);
        }

        Assert.Equal(["1", "4"], documents.Select(d => d.Id));
        Assert.Equal("T1 first", documents[0].Text);
        Assert.Equal("T1", documents[0].Title);
        Assert.Equal("fourth", documents[1].Text);
        Assert.Null(documents[1].Title);
        Assert.Equal(2, problems.Items.Count);
        Assert.Equal(DocumentLoadProblemKind.Malformed, problems.Items[0].Kind);
        Assert.Equal($"{path}:2", problems.Items[0].Source);
        Assert.Equal(DocumentLoadProblemKind.InvalidEncoding, problems.Items[1].Kind);
        Assert.Equal($"{path}:3", problems.Items[1].Source);
    }

    [Fact]
    public async Task BeirCorpusLoader_Utf8Bom_IsNotPartOfLineOne()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("corpus.jsonl", "\uFEFF{\"_id\": \"1\", \"text\": \"first\"}\n{\"_id\": \"2\", \"text\": \"second\"}\n");
        var problems = new SynchronousProgress<DocumentLoadProblem>();
        var documents = new List<Document>();
        await foreach (Document document in new BeirCorpusLoader().LoadAsync(path, problems))
        {
            documents.Add(document);
        }

        Assert.Empty(problems.Items);
        Assert.Equal(["1", "2"], documents.Select(d => d.Id));
        Assert.Equal("first", documents[0].Text);
    }

    [Fact]
    public async Task BeirDataset_FilesWithUtf8Bom_Load()
    {
        using var dir = new TempDirectory();
        dir.Write("corpus.jsonl", "\uFEFF{\"_id\": \"d1\", \"title\": \"T\", \"text\": \"body\"}\n");
        dir.Write("queries.jsonl", "\uFEFF{\"_id\": \"q1\", \"text\": \"question\"}\n");
        dir.Write(Path.Combine("qrels", "test.tsv"), "\uFEFFquery-id\tcorpus-id\tscore\nq1\td1\t1\n");

        BeirDataset dataset = await BeirDataset.LoadAsync(dir.Path);

        Assert.Equal("d1", Assert.Single(dataset.Corpus).Id);
        Assert.Single(dataset.Queries);
    }

    [Fact]
    public async Task DirectoryLoader_Globs_LoadMatchingFilesAndReportBadOnes()
    {
        using var dir = new TempDirectory();
        dir.Write("a.md", "# A\n\ntext a");
        dir.Write("sub/b.txt", "text b");
        dir.Write("sub/c.html", "<title>C</title><p>text c</p>");
        dir.Write("sub/bad.txt", s_invalidUtf8);
        dir.Write("skip/d.txt", "excluded");
        dir.Write("e.bin", "no loader");
        var options = new DirectoryLoaderOptions();
        options.Exclude.Add("skip/**");
        var problems = new SynchronousProgress<DocumentLoadProblem>();
        var documents = new List<Document>();
        await foreach (Document document in new DirectoryDocumentLoader(options).LoadAsync(dir.Path, problems))
        {
            documents.Add(document);
        }

        Assert.Equal(["a.md", "sub/b.txt", "sub/c.html"], documents.Select(d => d.Id));
        Assert.Equal("A", documents[0].Title);
        Assert.Equal("text c", documents[2].Text);
        DocumentLoadProblem problem = Assert.Single(problems.Items);
        Assert.Equal(DocumentLoadProblemKind.InvalidEncoding, problem.Kind);
        Assert.EndsWith("bad.txt", problem.Source, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DirectoryLoader_IncludeGlob_RestrictsFiles()
    {
        using var dir = new TempDirectory();
        dir.Write("a.md", "a");
        dir.Write("b.txt", "b");
        var options = new DirectoryLoaderOptions();
        options.Include.Clear();
        options.Include.Add("**/*.md");
        var ids = new List<string>();
        await foreach (Document document in new DirectoryDocumentLoader(options).LoadAsync(dir.Path))
        {
            ids.Add(document.Id);
        }

        Assert.Equal(["a.md"], ids);
    }
}
