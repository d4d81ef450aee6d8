using System.Globalization;
using System.Numerics.Tensors;
using System.Text.Json;

namespace LlamaDb.Embedders.Onnx.Tests.Cli;

/// <summary>
/// <c>llamadb embed --provider ...</c> run as a child process against a real Kestrel server on 127.0.0.1 that speaks each
/// provider's wire format.
/// </summary>
public sealed class EmbedRemoteProviderTests
{
    private const string OpenAIKey = "sk-cli-test-openai-0123456789abcdef";
    private const string AzureKey = "azure-cli-test-key-fedcba9876543210";
    private const string CohereKey = "cohere-cli-test-key-1357924680";
    private const string CompatibleKey = "llamadb-cli-test-key-2468013579";

    private static readonly string[] s_texts = ["A man is eating food.", "How do I cook pasta?"];

    /// <summary>The child's environment: every provider variable unset except those given (so the machine's own keys never leak in).</summary>
    private static Dictionary<string, string?> Environment(params (string Name, string Value)[] set)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["OPENAI_API_KEY"] = null,
            ["AZURE_OPENAI_API_KEY"] = null,
            ["AZURE_OPENAI_ENDPOINT"] = null,
            ["COHERE_API_KEY"] = null,
            ["LLAMADB_API_KEY"] = null,
            ["LLAMADB_MODEL"] = null,
        };
        foreach ((string name, string value) in set)
        {
            environment[name] = value;
        }

        return environment;
    }

    private static JsonElement ParseOutput(int exitCode, string stdout, string stderr)
    {
        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
        Assert.Equal(string.Empty, stderr);
        using JsonDocument document = JsonDocument.Parse(stdout);
        return document.RootElement.Clone();
    }

    private static void AssertVectorsFromServer(JsonElement root, string[] texts)
    {
        Assert.Equal(EmbeddingWireServer.Dimensions, root.GetProperty("dimensions").GetInt32());
        JsonElement embeddings = root.GetProperty("embeddings");
        Assert.Equal(texts.Length, embeddings.GetArrayLength());
        for (int i = 0; i < texts.Length; i++)
        {
            float[] printed = [.. embeddings[i].EnumerateArray().Select(e => e.GetSingle())];
            Assert.Equal(EmbeddingWireServer.VectorFor(texts[i]), printed);
        }

        Assert.Equal(Enumerable.Repeat(false, texts.Length), root.GetProperty("truncated").EnumerateArray().Select(e => e.GetBoolean()));
    }

    private static string[] StderrLines(string stderr) => stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task Embed_OpenAI_PrintsServerVectorsAndUsage_SendsModelAndBearerKey()
    {
        await using EmbeddingWireServer server = await EmbeddingWireServer.StartAsync();

        (int exitCode, string stdout, string stderr) = CliRunner.RunAll(
            ["embed", "--provider", "openai", "--endpoint", new Uri(server.BaseAddress, "/v1").ToString(), "--model", "text-embedding-3-large",
             "--input-type", "search_query", .. s_texts],
            Environment(("OPENAI_API_KEY", OpenAIKey)));

        JsonElement root = ParseOutput(exitCode, stdout, stderr);
        Assert.Equal("text-embedding-3-large", root.GetProperty("model").GetString());
        AssertVectorsFromServer(root, s_texts);
        Assert.Equal(EmbeddingWireServer.TokensFor(s_texts), root.GetProperty("tokens").GetInt32());

        WireRequest request = Assert.Single(server.Requests);
        Assert.Equal("/v1/embeddings", request.Path);
        Assert.Equal("text-embedding-3-large", request.Body["model"]!.GetValue<string>());
        Assert.Equal(s_texts, request.Inputs);
        Assert.Equal($"Bearer {OpenAIKey}", request.Header("authorization"));
        Assert.False(request.Body.ContainsKey("input_type"), "OpenAI's API has no input_type; the CLI must not send one.");
        Assert.DoesNotContain(OpenAIKey, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embed_OpenAIWithoutModel_AsksForTheDefaultModel()
    {
        await using EmbeddingWireServer server = await EmbeddingWireServer.StartAsync();

        (int exitCode, string stdout, string stderr) = CliRunner.RunAll(
            ["embed", "--provider", "openai", "--endpoint", new Uri(server.BaseAddress, "/v1").ToString(), "hello"],
            Environment(("OPENAI_API_KEY", OpenAIKey)));

        JsonElement root = ParseOutput(exitCode, stdout, stderr);
        Assert.Equal("text-embedding-3-small", Assert.Single(server.Requests).Body["model"]!.GetValue<string>());
        Assert.Equal("text-embedding-3-small", root.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Embed_AzureOpenAI_UsesEndpointVariableDeploymentAndApiKeyHeader()
    {
        await using EmbeddingWireServer server = await EmbeddingWireServer.StartAsync();

        (int exitCode, string stdout, string stderr) = CliRunner.RunAll(
            ["embed", "--provider", "azure-openai", "--model", "my-embeddings-deployment", .. s_texts],
            Environment(("AZURE_OPENAI_API_KEY", AzureKey), ("AZURE_OPENAI_ENDPOINT", server.BaseAddress.ToString())));

        JsonElement root = ParseOutput(exitCode, stdout, stderr);
        Assert.Equal("my-embeddings-deployment", root.GetProperty("model").GetString());
        AssertVectorsFromServer(root, s_texts);
        Assert.Equal(EmbeddingWireServer.TokensFor(s_texts), root.GetProperty("tokens").GetInt32());

        WireRequest request = Assert.Single(server.Requests);
        Assert.Equal("/openai/v1/embeddings", request.Path);
        Assert.Equal("my-embeddings-deployment", request.Body["model"]!.GetValue<string>());
        Assert.Equal(s_texts, request.Inputs);
        Assert.Equal(AzureKey, request.Header("api-key"));
        Assert.Null(request.Header("authorization"));
    }

    [Theory]
    [InlineData("search_query")]
    [InlineData("classification")]
    public async Task Embed_Cohere_SendsModelInputTypeAndBearerKey_PrintsServerVectors(string inputType)
    {
        await using EmbeddingWireServer server = await EmbeddingWireServer.StartAsync();

        (int exitCode, string stdout, string stderr) = CliRunner.RunAll(
            ["embed", "--provider", "cohere", "--endpoint", server.BaseAddress.ToString(), "--model", "embed-v4.0", "--input-type", inputType, .. s_texts],
            Environment(("COHERE_API_KEY", CohereKey)));

        JsonElement root = ParseOutput(exitCode, stdout, stderr);
        Assert.Equal("embed-v4.0", root.GetProperty("model").GetString());
        AssertVectorsFromServer(root, s_texts);
        Assert.Equal(EmbeddingWireServer.TokensFor(s_texts), root.GetProperty("tokens").GetInt32());

        WireRequest request = Assert.Single(server.Requests);
        Assert.Equal("/v2/embed", request.Path);
        Assert.Equal("embed-v4.0", request.Body["model"]!.GetValue<string>());
        Assert.Equal(inputType, request.Body["input_type"]!.GetValue<string>());
        Assert.Equal(s_texts, request.Inputs);
        Assert.Contains("float", request.Body["embedding_types"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal($"Bearer {CohereKey}", request.Header("authorization"));
    }

    [Fact]
    public async Task Embed_CohereWithoutInputType_SendsSearchDocument()
    {
        await using EmbeddingWireServer server = await EmbeddingWireServer.StartAsync();

        (int exitCode, string stdout, string stderr) = CliRunner.RunAll(
            ["embed", "--provider", "cohere", "--endpoint", server.BaseAddress.ToString(), "--model", "embed-v4.0", "hello"],
            Environment(("COHERE_API_KEY", CohereKey)));

        _ = ParseOutput(exitCode, stdout, stderr);
        Assert.Equal("search_document", Assert.Single(server.Requests).Body["input_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Embed_OpenAICompatibleWithKey_SendsBearer_ServerWithoutUsage_TokensNull()
    {
        await using EmbeddingWireServer server = await EmbeddingWireServer.StartAsync();
        server.OmitUsage = true;
        server.ReportedModel = "nomic-embed-text:latest";

        (int exitCode, string stdout, string stderr) = CliRunner.RunAll(
            ["embed", "--provider", "openai-compatible", "--endpoint", server.BaseAddress.ToString(), "--model", "nomic-embed-text", .. s_texts],
            Environment(("LLAMADB_API_KEY", CompatibleKey)));

        JsonElement root = ParseOutput(exitCode, stdout, stderr);
        Assert.Equal("nomic-embed-text:latest", root.GetProperty("model").GetString());
        AssertVectorsFromServer(root, s_texts);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("tokens").ValueKind);

        WireRequest request = Assert.Single(server.Requests);
        Assert.Equal("/v1/embeddings", request.Path);
        Assert.Equal("nomic-embed-text", request.Body["model"]!.GetValue<string>());
        Assert.Equal($"Bearer {CompatibleKey}", request.Header("authorization"));
    }

    [Fact]
    public async Task Embed_OpenAICompatibleWithoutKey_SendsNoAuthorization()
    {
        await using EmbeddingWireServer server = await EmbeddingWireServer.StartAsync();

        (int exitCode, string stdout, string stderr) = CliRunner.RunAll(
            ["embed", "--provider", "openai-compatible", "--endpoint", server.BaseAddress.ToString(), "--input-type", "search_query", "hello"],
            Environment());

        JsonElement root = ParseOutput(exitCode, stdout, stderr);
        AssertVectorsFromServer(root, ["hello"]);
        Assert.Equal(EmbeddingWireServer.TokensFor(["hello"]), root.GetProperty("tokens").GetInt32());
        WireRequest request = Assert.Single(server.Requests);
        Assert.Null(request.Header("authorization"));
        Assert.False(request.Body.ContainsKey("input_type"));
        Assert.Equal(["hello"], request.Inputs);
    }

    [Fact]
    public async Task Embed_CompareWithRemoteProvider_PrintsCosineOfServerVectors()
    {
        await using EmbeddingWireServer server = await EmbeddingWireServer.StartAsync();

        (int exitCode, string stdout, string stderr) = CliRunner.RunAll(
            ["embed", "--provider", "cohere", "--endpoint", server.BaseAddress.ToString(), "--model", "embed-v4.0", "--compare", s_texts[0], s_texts[1]],
            Environment(("COHERE_API_KEY", CohereKey)));

        Assert.True(exitCode == 0, stderr);
        float expected = TensorPrimitives.CosineSimilarity(EmbeddingWireServer.VectorFor(s_texts[0]), EmbeddingWireServer.VectorFor(s_texts[1]));
        Assert.Equal(expected, float.Parse(stdout.Trim(), CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("openai", "OPENAI_API_KEY")]
    [InlineData("azure-openai", "AZURE_OPENAI_API_KEY")]
    [InlineData("cohere", "COHERE_API_KEY")]
    public async Task Embed_MissingKey_OneLineNamingTheVariable_NoRequest(string provider, string variable)
    {
        await using EmbeddingWireServer server = await EmbeddingWireServer.StartAsync();

        (int exitCode, string stdout, string stderr) = CliRunner.RunAll(
            ["embed", "--provider", provider, "--endpoint", server.BaseAddress.ToString(), "--model", "m", "hello"],
            Environment());

        Assert.NotEqual(0, exitCode);
        Assert.Equal(string.Empty, stdout);
        string line = Assert.Single(StderrLines(stderr));
        Assert.StartsWith("llamadb: error:", line, StringComparison.Ordinal);
        Assert.Contains(variable, line, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("azure-openai", "AZURE_OPENAI_ENDPOINT")]
    [InlineData("openai-compatible", "--endpoint")]
    public void Embed_MissingEndpoint_OneLineNamingWhatToSet(string provider, string expected)
    {
        (int exitCode, string stdout, string stderr) = CliRunner.RunAll(
            ["embed", "--provider", provider, "--model", "m", "hello"],
            Environment(("AZURE_OPENAI_API_KEY", AzureKey)));

        Assert.NotEqual(0, exitCode);
        Assert.Equal(string.Empty, stdout);
        string line = Assert.Single(StderrLines(stderr));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain(AzureKey, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("azure-openai")]
    [InlineData("cohere")]
    [InlineData("openai-compatible")]
    public async Task Embed_ServerAnswers401_OneLineWithStatus_NonZeroExit_KeyNotPrinted(string provider)
    {
        await using EmbeddingWireServer server = await EmbeddingWireServer.StartAsync();
        server.FailWithStatus = 401;
        string endpoint = provider == "openai" ? new Uri(server.BaseAddress, "/v1").ToString() : server.BaseAddress.ToString();

        (int exitCode, string stdout, string stderr) = CliRunner.RunAll(
            ["embed", "--provider", provider, "--endpoint", endpoint, "--model", "m", "hello"],
            Environment(("OPENAI_API_KEY", OpenAIKey), ("AZURE_OPENAI_API_KEY", AzureKey), ("COHERE_API_KEY", CohereKey), ("LLAMADB_API_KEY", CompatibleKey)));

        Assert.NotEqual(0, exitCode);
        Assert.Equal(string.Empty, stdout);
        string line = Assert.Single(StderrLines(stderr));
        Assert.StartsWith("llamadb: error:", line, StringComparison.Ordinal);
        Assert.Contains("401", line, StringComparison.Ordinal);
        foreach (string key in (string[])[OpenAIKey, AzureKey, CohereKey, CompatibleKey])
        {
            Assert.DoesNotContain(key, stderr, StringComparison.Ordinal);
        }

        Assert.Single(server.Requests); // 401 is not retried
    }

    [Theory]
    [InlineData(new[] { "--provider", "onnx", "--endpoint", "http://127.0.0.1:9/", "x" }, "--endpoint")]
    [InlineData(new[] { "--provider", "onnx", "--input-type", "search_query", "x" }, "--input-type")]
    [InlineData(new[] { "--provider", "openai-compatible", "--endpoint", "http://127.0.0.1:9/", "--pooling", "cls", "x" }, "--pooling")]
    public void Embed_OptionThatDoesNotFitTheProvider_OneLineError(string[] args, string option)
    {
        (int exitCode, string stdout, string stderr) = CliRunner.RunAll(["embed", .. args], Environment());

        Assert.NotEqual(0, exitCode);
        Assert.Equal(string.Empty, stdout);
        string line = Assert.Single(StderrLines(stderr));
        Assert.Contains(option, line, StringComparison.Ordinal);
    }
}
