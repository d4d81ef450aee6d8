using System.Text.Json;
using LlamaDb.Embedders.Onnx.Hub;

namespace LlamaDb.Embedders.Onnx.Tests.Hub;

public sealed class ModelDownloaderTests
{
    private static readonly string[] s_modelFiles =
    [
        "model.onnx", "tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json",
        "config.json", "sentence_bert_config.json", "modules.json", "1_Pooling/config.json",
    ];

    [Fact]
    public async Task DownloadAsync_DefaultFiles_WritesSourceBytesInHubLayout()
    {
        await using var hub = new HubFixture();
        var downloader = hub.CreateDownloader();

        var local = await downloader.DownloadAsync(HubFixture.Repo);

        Assert.Equal(hub.LocalPath, local);
        Assert.Equal(downloader.GetLocalPath(HubFixture.Repo), local);
        foreach (var file in s_modelFiles)
        {
            var target = Path.Combine(local, file);
            Assert.True(File.Exists(target), $"{file} was not downloaded");
            Assert.Equal(HubFixture.Sha256Of(HubFixture.SourceFile(file)), HubFixture.Sha256Of(target));
        }

        // The source has no onnx/ folder, so the root model.onnx is the fallback and nothing is copied.
        Assert.False(File.Exists(Path.Combine(local, "onnx", "model.onnx")));
        Assert.Equal(1, hub.Server.CountGets("onnx/model.onnx"));
        Assert.Empty(Directory.GetFiles(local, "*.partial", SearchOption.AllDirectories));
        Assert.All(hub.Server.Requests, r => Assert.Equal(HubFixture.Repo, r.Repo));
        Assert.All(hub.Server.Requests, r => Assert.Equal("main", r.Revision));
        Assert.All(hub.Server.Requests, r => Assert.Null(r.Authorization));
    }

    [Fact]
    public async Task DownloadAsync_DefaultFiles_RecordsEveryFileInManifest()
    {
        await using var hub = new HubFixture();
        var local = await hub.CreateDownloader().DownloadAsync(HubFixture.Repo);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(local, ".llamadb-download.json")));
        Assert.Equal(1, json.RootElement.GetProperty("formatVersion").GetInt32());
        var entries = json.RootElement.GetProperty("files").EnumerateArray().ToDictionary(e => e.GetProperty("path").GetString()!);
        Assert.Equal(s_modelFiles.Order(StringComparer.Ordinal), entries.Keys.Order(StringComparer.Ordinal));
        foreach (var file in s_modelFiles)
        {
            var entry = entries[file];
            Assert.Equal(new FileInfo(HubFixture.SourceFile(file)).Length, entry.GetProperty("size").GetInt64());
            Assert.Equal(HubFixture.Sha256Of(HubFixture.SourceFile(file)), entry.GetProperty("sha256").GetString());
            Assert.Equal("main", entry.GetProperty("revision").GetString());
            Assert.True(entry.GetProperty("downloadedAt").GetDateTimeOffset() > DateTimeOffset.UnixEpoch);
        }
    }

    [Fact]
    public async Task DownloadAsync_OnnxFolderPresent_UsesItWithoutFallback()
    {
        await using var hub = new HubFixture();
        hub.Server.Alias("onnx/model.onnx", "model.onnx");

        var local = await hub.CreateDownloader().DownloadAsync(HubFixture.Repo);

        Assert.Equal(HubFixture.Sha256Of(HubFixture.SourceFile("model.onnx")), HubFixture.Sha256Of(Path.Combine(local, "onnx", "model.onnx")));
        Assert.False(File.Exists(Path.Combine(local, "model.onnx")));
        Assert.Equal(0, hub.Server.CountGets("model.onnx"));
    }

    [Fact]
    public async Task DownloadAsync_NoOnnxFileAtAll_Throws404NamingBothPaths()
    {
        await using var hub = new HubFixture();
        hub.Server.Hide("model.onnx");

        var ex = await Assert.ThrowsAsync<ModelDownloadException>(() => hub.CreateDownloader().DownloadAsync(HubFixture.Repo));

        Assert.Equal(404, ex.StatusCode);
        Assert.Equal(HubFixture.Repo, ex.RepoId);
        Assert.Contains("'onnx/model.onnx'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'model.onnx'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, hub.Server.CountGets("model.onnx"));
    }

    [Fact]
    public async Task DownloadAsync_PartialFilePresent_ResumesWithRangeRequest()
    {
        await using var hub = new HubFixture();
        var source = await File.ReadAllBytesAsync(HubFixture.SourceFile("model.onnx"));
        var half = source.Length / 2;
        Directory.CreateDirectory(hub.LocalPath);
        await File.WriteAllBytesAsync(Path.Combine(hub.LocalPath, "model.onnx.partial"), source.AsMemory(0, half).ToArray());

        var local = await hub.CreateDownloader().DownloadAsync(
            HubFixture.Repo, [new ModelFile("model.onnx", HubFixture.Sha256Of(HubFixture.SourceFile("model.onnx")))]);

        var request = Assert.Single(hub.Server.Requests);
        Assert.Equal($"bytes={half}-", request.Range);
        Assert.Equal(source, await File.ReadAllBytesAsync(Path.Combine(local, "model.onnx")));
        Assert.False(File.Exists(Path.Combine(local, "model.onnx.partial")));
    }

    [Fact]
    public async Task DownloadAsync_ServerIgnoresRange_RestartsFromZero()
    {
        await using var hub = new HubFixture();
        hub.Server.IgnoreRange = true;
        Directory.CreateDirectory(hub.LocalPath);
        await File.WriteAllBytesAsync(Path.Combine(hub.LocalPath, "vocab.txt.partial"), new byte[1000]);

        var local = await hub.CreateDownloader().DownloadAsync(HubFixture.Repo, [new ModelFile("vocab.txt")]);

        Assert.Equal("bytes=1000-", Assert.Single(hub.Server.Requests).Range);
        Assert.Equal(await File.ReadAllBytesAsync(HubFixture.SourceFile("vocab.txt")), await File.ReadAllBytesAsync(Path.Combine(local, "vocab.txt")));
    }

    [Fact]
    public async Task DownloadAsync_PartialAlreadyComplete_VerifiesAfter416()
    {
        await using var hub = new HubFixture();
        var source = await File.ReadAllBytesAsync(HubFixture.SourceFile("vocab.txt"));
        Directory.CreateDirectory(hub.LocalPath);
        await File.WriteAllBytesAsync(Path.Combine(hub.LocalPath, "vocab.txt.partial"), source);

        var local = await hub.CreateDownloader().DownloadAsync(
            HubFixture.Repo, [new ModelFile("vocab.txt", HubFixture.Sha256Of(HubFixture.SourceFile("vocab.txt")))]);

        var request = Assert.Single(hub.Server.Requests);
        Assert.Equal($"bytes={source.Length}-", request.Range);
        Assert.Equal(source, await File.ReadAllBytesAsync(Path.Combine(local, "vocab.txt")));
    }

    [Fact]
    public async Task DownloadAsync_BodyCutMidStream_ResumesOnRetry()
    {
        await using var hub = new HubFixture();
        const int CutAt = 1_000_000;
        hub.Server.CutFirst("model.onnx", 1, CutAt);

        var local = await hub.CreateDownloader().DownloadAsync(
            HubFixture.Repo, [new ModelFile("model.onnx", HubFixture.Sha256Of(HubFixture.SourceFile("model.onnx")))]);

        var requests = hub.Server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Null(requests[0].Range);
        Assert.Equal($"bytes={CutAt}-", requests[1].Range);
        Assert.Equal(await File.ReadAllBytesAsync(HubFixture.SourceFile("model.onnx")), await File.ReadAllBytesAsync(Path.Combine(local, "model.onnx")));
        Assert.Equal([TimeSpan.FromSeconds(1)], hub.Delays);
    }

    [Fact]
    public async Task DownloadAsync_ServiceUnavailableTwice_RetriesWithExponentialBackoff()
    {
        await using var hub = new HubFixture();
        hub.Server.FailFirst("tokenizer.json", 2, 503);

        var local = await hub.CreateDownloader().DownloadAsync(HubFixture.Repo, [new ModelFile("tokenizer.json")]);

        Assert.Equal(3, hub.Server.CountGets("tokenizer.json"));
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], hub.Delays);
        Assert.Equal(HubFixture.Sha256Of(HubFixture.SourceFile("tokenizer.json")), HubFixture.Sha256Of(Path.Combine(local, "tokenizer.json")));
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    public async Task DownloadAsync_TransientStatusOnce_Retries(int status)
    {
        await using var hub = new HubFixture();
        hub.Server.FailFirst("config.json", 1, status);

        var local = await hub.CreateDownloader().DownloadAsync(HubFixture.Repo, [new ModelFile("config.json")]);

        Assert.Equal(2, hub.Server.CountGets("config.json"));
        Assert.True(File.Exists(Path.Combine(local, "config.json")));
    }

    [Fact]
    public async Task DownloadAsync_ServiceUnavailableEveryTime_ThrowsAfterMaxAttempts()
    {
        await using var hub = new HubFixture();
        hub.Server.AlwaysRespond("tokenizer.json", 503);

        var ex = await Assert.ThrowsAsync<ModelDownloadException>(
            () => hub.CreateDownloader(o => o.MaxAttempts = 4).DownloadAsync(HubFixture.Repo, [new ModelFile("tokenizer.json")]));

        Assert.Equal(503, ex.StatusCode);
        Assert.Equal("tokenizer.json", ex.FilePath);
        Assert.Equal(4, hub.Server.CountGets("tokenizer.json"));
        Assert.Equal(3, hub.Delays.Count);
    }

    [Fact]
    public async Task DownloadAsync_Sha256Mismatch_ThrowsAndLeavesNoFile()
    {
        await using var hub = new HubFixture();
        var wrong = new string('a', 64);

        var ex = await Assert.ThrowsAsync<ModelDownloadException>(
            () => hub.CreateDownloader().DownloadAsync(HubFixture.Repo, [new ModelFile("config.json", wrong)]));

        Assert.Contains(wrong, ex.Message, StringComparison.Ordinal);
        Assert.Contains(HubFixture.Sha256Of(HubFixture.SourceFile("config.json")), ex.Message, StringComparison.Ordinal);
        Assert.Equal("config.json", ex.FilePath);
        Assert.Null(ex.StatusCode);
        Assert.False(File.Exists(Path.Combine(hub.LocalPath, "config.json")));
        Assert.False(File.Exists(Path.Combine(hub.LocalPath, "config.json.partial")));
    }

    [Fact]
    public async Task DownloadAsync_RequiredFileMissing_Throws404WithoutRetry()
    {
        await using var hub = new HubFixture();
        hub.Server.Hide("tokenizer_config.json");

        var ex = await Assert.ThrowsAsync<ModelDownloadException>(() => hub.CreateDownloader().DownloadAsync(HubFixture.Repo));

        Assert.Equal(404, ex.StatusCode);
        Assert.Equal("tokenizer_config.json", ex.FilePath);
        Assert.Contains("tokenizer_config.json", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, hub.Server.CountGets("tokenizer_config.json"));
        Assert.Empty(hub.Delays);
    }

    [Fact]
    public async Task DownloadAsync_OptionalFileMissing_IsSkipped()
    {
        await using var hub = new HubFixture();
        hub.Server.Hide("1_Pooling/config.json");

        var local = await hub.CreateDownloader().DownloadAsync(HubFixture.Repo);

        Assert.Equal(1, hub.Server.CountGets("1_Pooling/config.json"));
        Assert.False(File.Exists(Path.Combine(local, "1_Pooling", "config.json")));
        Assert.True(File.Exists(Path.Combine(local, "modules.json")));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task DownloadAsync_AccessDenied_FailsAtOnceWithTokenHint(int status)
    {
        await using var hub = new HubFixture();
        hub.Server.AlwaysRespond("config.json", status);
        const string Token = "hf_secret_token_value";

        var ex = await Assert.ThrowsAsync<ModelDownloadException>(
            () => hub.CreateDownloader(o => o.Token = Token).DownloadAsync(HubFixture.Repo, [new ModelFile("config.json")]));

        Assert.Equal(status, ex.StatusCode);
        Assert.Contains("HF_TOKEN", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, ex.ToString(), StringComparison.Ordinal);
        var request = Assert.Single(hub.Server.Requests);
        Assert.Equal($"Bearer {Token}", request.Authorization);
    }

    [Fact]
    public async Task DownloadAsync_Unauthorized_WithoutToken_SuggestsSettingHfToken()
    {
        await using var hub = new HubFixture();
        hub.Server.AlwaysRespond("config.json", 401);

        var ex = await Assert.ThrowsAsync<ModelDownloadException>(
            () => hub.CreateDownloader().DownloadAsync(HubFixture.Repo, [new ModelFile("config.json")]));

        Assert.Contains("set HF_TOKEN", ex.Message, StringComparison.Ordinal);
        Assert.Null(Assert.Single(hub.Server.Requests).Authorization);
    }

    [Fact]
    public async Task DownloadAsync_SecondRun_MakesNoRequests()
    {
        await using var hub = new HubFixture();
        await hub.CreateDownloader().DownloadAsync(HubFixture.Repo);
        var afterFirst = hub.Server.Requests.Count;
        var withDigests = s_modelFiles.Select(f => new ModelFile(f, HubFixture.Sha256Of(HubFixture.SourceFile(f)))).ToList();

        await hub.CreateDownloader().DownloadAsync(HubFixture.Repo);
        await hub.CreateDownloader().DownloadAsync(HubFixture.Repo, withDigests);

        Assert.Equal(afterFirst, hub.Server.Requests.Count);
    }

    [Fact]
    public async Task DownloadAsync_PresentFileWithWrongSha_DownloadsAgain()
    {
        await using var hub = new HubFixture();
        Directory.CreateDirectory(hub.LocalPath);
        await File.WriteAllTextAsync(Path.Combine(hub.LocalPath, "config.json"), "{ \"stale\": true }");

        var local = await hub.CreateDownloader().DownloadAsync(
            HubFixture.Repo, [new ModelFile("config.json", HubFixture.Sha256Of(HubFixture.SourceFile("config.json")))]);

        Assert.Equal(1, hub.Server.CountGets("config.json"));
        Assert.Equal(HubFixture.Sha256Of(HubFixture.SourceFile("config.json")), HubFixture.Sha256Of(Path.Combine(local, "config.json")));
    }

    [Fact]
    public async Task DownloadAsync_Canceled_KeepsPartialAndNextRunResumes()
    {
        await using var hub = new HubFixture();
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress<ModelDownloadProgress>(p =>
        {
            if (p.Path == "model.onnx" && p.BytesDownloaded > 0 && p.BytesDownloaded < p.TotalBytes)
            {
                cts.Cancel();
            }
        });
        ModelFile[] files = [new("model.onnx", HubFixture.Sha256Of(HubFixture.SourceFile("model.onnx")))];

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => hub.CreateDownloader().DownloadAsync(HubFixture.Repo, files, progress, cts.Token));

        var partial = new FileInfo(Path.Combine(hub.LocalPath, "model.onnx.partial"));
        Assert.True(partial.Exists);
        Assert.InRange(partial.Length, 1, new FileInfo(HubFixture.SourceFile("model.onnx")).Length - 1);
        Assert.False(File.Exists(Path.Combine(hub.LocalPath, "model.onnx")));

        var kept = partial.Length;
        var local = await hub.CreateDownloader().DownloadAsync(HubFixture.Repo, files);

        Assert.Equal($"bytes={kept}-", hub.Server.Requests[^1].Range);
        Assert.Equal(await File.ReadAllBytesAsync(HubFixture.SourceFile("model.onnx")), await File.ReadAllBytesAsync(Path.Combine(local, "model.onnx")));
    }

    [Fact]
    public async Task DownloadAsync_AlreadyCanceled_MakesNoRequest()
    {
        await using var hub = new HubFixture();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => hub.CreateDownloader().DownloadAsync(HubFixture.Repo, cancellationToken: cts.Token));

        Assert.Empty(hub.Server.Requests);
    }

    [Fact]
    public async Task DownloadAsync_Progress_ReportsMonotonicBytesUpToContentLength()
    {
        await using var hub = new HubFixture();
        var reports = new List<ModelDownloadProgress>();

        await hub.CreateDownloader().DownloadAsync(HubFixture.Repo, progress: new SyncProgress<ModelDownloadProgress>(reports.Add));

        Assert.All(reports, r => Assert.Equal(9, r.FileCount));
        Assert.Equal(Enumerable.Range(0, 9), reports.Select(r => r.FileIndex).Distinct());
        var onnx = reports.Where(r => r.Path == "model.onnx").ToList();
        var size = new FileInfo(HubFixture.SourceFile("model.onnx")).Length;
        Assert.True(onnx.Count > 2, "expected intermediate reports for a multi-megabyte file");
        Assert.All(onnx, r => Assert.Equal(size, r.TotalBytes));
        Assert.Equal(onnx.Select(r => r.BytesDownloaded).Order(), onnx.Select(r => r.BytesDownloaded));
        Assert.Equal(size, onnx[^1].BytesDownloaded);
        Assert.True(onnx.Count < 64, "progress is throttled, not reported per read");
    }

    [Fact]
    public async Task DownloadAsync_PullRequestRevision_UsedInUrlAndFolder()
    {
        await using var hub = new HubFixture();

        var local = await hub.CreateDownloader(o => o.Revision = "refs/pr/1").DownloadAsync(HubFixture.Repo, [new ModelFile("config.json")]);

        Assert.Equal(Path.Combine(hub.CacheDirectory, "llamadb--synthetic-embedder-tiny", "refs", "pr", "1"), local);
        Assert.Equal("refs/pr/1", Assert.Single(hub.Server.Requests).Revision);
        Assert.True(File.Exists(Path.Combine(local, "config.json")));
    }

    [Theory]
    [InlineData("../evil.txt")]
    [InlineData("onnx/../../evil.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("onnx\\model.onnx")]
    [InlineData("onnx//model.onnx")]
    [InlineData("./config.json")]
    [InlineData("C:/evil.txt")]
    [InlineData("model.onnx.partial")]
    [InlineData(".llamadb-download.json")]
    public async Task DownloadAsync_UnsafeFilePath_ThrowsArgumentExceptionBeforeAnyRequest(string path)
    {
        await using var hub = new HubFixture();

        var ex = await Assert.ThrowsAsync<ArgumentException>(
            () => hub.CreateDownloader().DownloadAsync(HubFixture.Repo, [new ModelFile(path)]));

        Assert.Equal("files", ex.ParamName);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Empty(hub.Server.Requests);
        Assert.Empty(Directory.GetFileSystemEntries(hub.CacheDirectory));
    }

    [Fact]
    public async Task DownloadAsync_UnsafeFallbackPath_Throws()
    {
        await using var hub = new HubFixture();

        var ex = await Assert.ThrowsAsync<ArgumentException>(
            () => hub.CreateDownloader().DownloadAsync(HubFixture.Repo, [new ModelFile("onnx/model.onnx") { FallbackPath = "../model.onnx" }]));

        Assert.Contains("../model.onnx", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("A1B2")]
    public async Task DownloadAsync_MalformedSha256_Throws(string sha)
    {
        await using var hub = new HubFixture();

        var ex = await Assert.ThrowsAsync<ArgumentException>(
            () => hub.CreateDownloader().DownloadAsync(HubFixture.Repo, [new ModelFile("config.json", sha)]));

        Assert.Equal("files", ex.ParamName);
        Assert.Empty(hub.Server.Requests);
    }

    [Fact]
    public async Task DownloadAsync_DuplicatePath_Throws()
    {
        await using var hub = new HubFixture();

        await Assert.ThrowsAsync<ArgumentException>(
            () => hub.CreateDownloader().DownloadAsync(HubFixture.Repo, [new ModelFile("config.json"), new ModelFile("config.json", Optional: true)]));
    }

    [Fact]
    public async Task DownloadAsync_AfterDispose_ThrowsObjectDisposedException()
    {
        await using var hub = new HubFixture();
        var downloader = hub.CreateDownloader();
        downloader.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => downloader.DownloadAsync(HubFixture.Repo));
    }
}
