using System.Text.Json;
using System.Text.Json.Nodes;
using LlamaDb.Server.Tests.Infrastructure;

namespace LlamaDb.Server.Tests;

/// <summary>A collection records the embedding model it was built with; a server running another model refuses it (409).</summary>
public sealed class ModelIdentityTests : IDisposable
{
    private static readonly string s_model = TestPaths.Models("synthetic-embedder-tiny");
    private readonly string _store = Path.Combine(Path.GetTempPath(), "llamadb-server-model-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_store))
        {
            Directory.Delete(_store, recursive: true);
        }
    }

    [Fact]
    public async Task Search_CollectionBuiltWithAnotherModel_Is409NamingIt_SameModelIsServed()
    {
        await using (ServerHost first = await ServerHost.StartAsync(o => { o.Model = s_model; o.StorePath = _store; }))
        {
            using HttpClient http = first.CreateClient();
            await http.PostJsonAsync("/v1/collections", new { name = "kb" }, 201);
        }

        string record = Path.Combine(_store, "kb", "embedding.json");
        JsonObject written = JsonNode.Parse(await File.ReadAllTextAsync(record))!.AsObject();
        Assert.Equal(Path.GetFullPath(s_model), written["modelPath"]!.GetValue<string>());

        // Same dimensions, another model: the vectors would be searched with the wrong query embeddings.
        JsonObject other = written.DeepClone().AsObject();
        other["model"] = "/models/other-model";
        other["modelPath"] = "/models/other-model";
        other["modelId"] = "other-model";
        await File.WriteAllTextAsync(record, other.ToJsonString());
        await using (ServerHost second = await ServerHost.StartAsync(o => { o.Model = s_model; o.StorePath = _store; }))
        {
            using HttpClient http = second.CreateClient();
            using HttpResponseMessage response = await http.PostAsync("/v1/collections/kb/search", JsonContent("{\"query\":\"pasta\"}"));
            JsonElement problem = await Http.AssertProblemAsync(response, 409);
            Assert.Contains("other-model", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        await File.WriteAllTextAsync(record, written.ToJsonString());
        await using (ServerHost third = await ServerHost.StartAsync(o => { o.Model = s_model; o.StorePath = _store; }))
        {
            using HttpClient http = third.CreateClient();
            using HttpResponseMessage response = await http.PostAsync("/v1/collections/kb/search", JsonContent("{\"query\":\"pasta\"}"));
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
