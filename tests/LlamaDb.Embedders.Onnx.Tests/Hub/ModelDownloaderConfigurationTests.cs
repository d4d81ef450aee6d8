using LlamaDb.Embedders.Onnx.Hub;

namespace LlamaDb.Embedders.Onnx.Tests.Hub;

public sealed class ModelDownloaderConfigurationTests
{
    private static readonly string s_cache = Path.Combine(Path.GetTempPath(), "llamadb-hub-config-tests");

    [Theory]
    [InlineData("owner")]
    [InlineData("owner/name/extra")]
    [InlineData("../name")]
    [InlineData("owner/..")]
    [InlineData("owner/na..me")]
    [InlineData("/owner/name")]
    [InlineData("owner\\name")]
    [InlineData("owner/na me")]
    [InlineData("owner/-name")]
    [InlineData("own--er/name")]
    [InlineData(" ")]
    public void GetLocalPath_InvalidRepoId_ThrowsArgumentExceptionNamingIt(string repoId)
    {
        using var downloader = new ModelDownloader(new ModelDownloadOptions { CacheDirectory = s_cache });

        var ex = Assert.ThrowsAny<ArgumentException>(() => downloader.GetLocalPath(repoId));

        Assert.Equal("repoId", ex.ParamName);
        if (!string.IsNullOrWhiteSpace(repoId))
        {
            Assert.Contains(repoId, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void GetLocalPath_ValidRepo_IsOwnerDashDashNameThenRevision()
    {
        using var downloader = new ModelDownloader(new ModelDownloadOptions { CacheDirectory = s_cache });

        Assert.Equal(Path.Combine(s_cache, "sentence-transformers--all-MiniLM-L6-v2", "main"), downloader.GetLocalPath("sentence-transformers/all-MiniLM-L6-v2"));
        Assert.Equal(Path.Combine(s_cache, "BAAI--bge-small-en-v1.5", "v1.0"), downloader.GetLocalPath("BAAI/bge-small-en-v1.5", "v1.0"));
    }

    [Theory]
    [InlineData("../main")]
    [InlineData("refs//pr")]
    [InlineData("a\\b")]
    public void GetLocalPath_InvalidRevision_Throws(string revision)
    {
        using var downloader = new ModelDownloader(new ModelDownloadOptions { CacheDirectory = s_cache });

        var ex = Assert.Throws<ArgumentException>(() => downloader.GetLocalPath("owner/name", revision));

        Assert.Equal("revision", ex.ParamName);
    }

    [Fact]
    public void Constructor_MaxAttemptsZero_ThrowsNamingOption()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ModelDownloader(new ModelDownloadOptions { MaxAttempts = 0 }));

        Assert.Equal("options.MaxAttempts", ex.ParamName);
    }

    [Fact]
    public void Constructor_NegativeRetryDelay_ThrowsNamingOption()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ModelDownloader(new ModelDownloadOptions { RetryDelay = TimeSpan.FromSeconds(-1) }));

        Assert.Equal("options.RetryDelay", ex.ParamName);
    }

    [Fact]
    public void Constructor_UnsafeRevision_ThrowsNamingOption()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ModelDownloader(new ModelDownloadOptions { Revision = "../../etc" }));

        Assert.Equal("options.Revision", ex.ParamName);
    }

    [Fact]
    public void Constructor_NonHttpBaseUrl_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ModelDownloader(new ModelDownloadOptions { BaseUrl = new Uri("file:///tmp/models") }));
    }

    [Fact]
    public void Constructor_NoOptionsNoEnvironment_UsesHuggingFaceAndHomeCache()
    {
        using var downloader = new ModelDownloader(null, null, _ => null);

        Assert.Equal("https://huggingface.co", downloader.BaseUrl);
        Assert.Equal(
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "llamadb", "models"),
            downloader.CacheDirectory);
        Assert.False(downloader.HasToken);
    }

    [Fact]
    public void Constructor_Environment_LlamaDbVariablesWinOverHfEndpoint()
    {
        var env = new Dictionary<string, string>
        {
            ["LLAMADB_HF_BASE_URL"] = "http://mirror.local/hf/",
            ["HF_ENDPOINT"] = "http://other.local",
            ["LLAMADB_MODEL_CACHE"] = s_cache,
            ["HF_TOKEN"] = "hf_env_token",
        };

        using var downloader = new ModelDownloader(null, null, env.GetValueOrDefault);

        Assert.Equal("http://mirror.local/hf", downloader.BaseUrl);
        Assert.Equal(s_cache, downloader.CacheDirectory);
        Assert.True(downloader.HasToken);
    }

    [Fact]
    public void Constructor_Environment_HfEndpointUsedWhenAlone()
    {
        using var downloader = new ModelDownloader(null, null, name => name == "HF_ENDPOINT" ? "https://hf-mirror.example" : null);

        Assert.Equal("https://hf-mirror.example", downloader.BaseUrl);
    }

    [Fact]
    public void Constructor_Options_WinOverEnvironment()
    {
        var options = new ModelDownloadOptions { BaseUrl = new Uri("http://127.0.0.1:1/"), CacheDirectory = s_cache };

        using var downloader = new ModelDownloader(options, null, name => name == "HF_ENDPOINT" ? "https://hf-mirror.example" : "/elsewhere");

        Assert.Equal("http://127.0.0.1:1", downloader.BaseUrl);
        Assert.Equal(s_cache, downloader.CacheDirectory);
    }

    [Fact]
    public void GetRetryDelay_DoublesAndCapsAtOneMinute()
    {
        using var downloader = new ModelDownloader(new ModelDownloadOptions { RetryDelay = TimeSpan.FromSeconds(5) }, null, _ => null);

        Assert.Equal(TimeSpan.FromSeconds(5), downloader.GetRetryDelay(1));
        Assert.Equal(TimeSpan.FromSeconds(20), downloader.GetRetryDelay(3));
        Assert.Equal(TimeSpan.FromMinutes(1), downloader.GetRetryDelay(10));
    }

    [Fact]
    public void SentenceTransformersFiles_OnnxFallsBackToRootAndTokenizerJsonConfigsAreRequired()
    {
        var files = ModelDownloader.SentenceTransformersFiles;

        Assert.Equal(new ModelFile("onnx/model.onnx") { FallbackPath = "model.onnx" }, files[0]);
        Assert.Equal(
            ["tokenizer.json", "tokenizer_config.json", "config.json"],
            files.Skip(1).Where(f => !f.Optional).Select(f => f.Path));
        Assert.Equal(
            ["vocab.txt", "special_tokens_map.json", "sentence_bert_config.json", "modules.json", "1_Pooling/config.json"],
            files.Where(f => f.Optional).Select(f => f.Path));
    }
}
