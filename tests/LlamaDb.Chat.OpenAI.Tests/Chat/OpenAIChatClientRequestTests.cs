using System.ComponentModel;
using System.Text.Json;
using LlamaDb.Chat.OpenAI.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace LlamaDb.Chat.OpenAI.Tests.Chat;

public sealed class OpenAIChatClientRequestTests : IAsyncLifetime
{
    private const string Key = "sk-test-secret-1234567890";
    private ChatWireServer _server = null!;

    public async Task InitializeAsync() => _server = await ChatWireServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private OpenAIChatClient CreateClient() =>
        new(new OpenAIChatClientOptions { ApiKey = Key, Endpoint = _server.V1, Model = "gpt-test", MaxRetries = 0 });

    [Fact]
    public async Task GetResponseAsync_RolesAndOptions_SendsExactRequestJson()
    {
        _server.EnqueueCompletion("{\"ok\":true}");
        using OpenAIChatClient client = CreateClient();
        ChatMessage[] messages =
        [
            new(ChatRole.System, "Be brief."),
            new(ChatRole.User, "Hi"),
            new(ChatRole.Assistant, "Hello."),
            new(ChatRole.User, "Answer in JSON."),
        ];
        var options = new ChatOptions
        {
            Temperature = 0.25f,
            TopP = 0.5f,
            MaxOutputTokens = 100,
            StopSequences = ["END"],
            Seed = 42,
            ResponseFormat = ChatResponseFormat.Json,
        };

        await client.GetResponseAsync(messages, options);

        ChatRequest request = _server.Single;
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer " + Key, request.Headers["Authorization"]);
        JsonAssert.Equal(
            """
            {
              "model": "gpt-test",
              "messages": [
                { "role": "system", "content": "Be brief." },
                { "role": "user", "content": "Hi" },
                { "role": "assistant", "content": "Hello." },
                { "role": "user", "content": "Answer in JSON." }
              ],
              "temperature": 0.25,
              "top_p": 0.5,
              "max_completion_tokens": 100,
              "stop": ["END"],
              "seed": 42,
              "response_format": { "type": "json_object" }
            }
            """,
            request.Json);
    }

    [Fact]
    public async Task GetResponseAsync_InstructionsAndModelOverride_PrependsSystemAndReplacesModel()
    {
        _server.EnqueueCompletion("x");
        using OpenAIChatClient client = CreateClient();

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { Instructions = "Follow the rules.", ModelId = "other-model" });

        JsonAssert.Equal(
            """
            {
              "model": "other-model",
              "messages": [
                { "role": "system", "content": "Follow the rules." },
                { "role": "user", "content": "Hi" }
              ]
            }
            """,
            _server.Single.Json);
    }

    [Fact]
    public async Task GetResponseAsync_JsonSchemaFormat_SendsSchema()
    {
        _server.EnqueueCompletion("{}");
        using OpenAIChatClient client = CreateClient();
        JsonElement schema = JsonDocument.Parse("""{"type":"object","properties":{"a":{"type":"string"}}}""").RootElement;

        await client.GetResponseAsync(
            [new ChatMessage(ChatRole.User, "Hi")],
            new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "answer", "The answer.") });

        JsonAssert.Equal(
            """
            {
              "type": "json_schema",
              "json_schema": {
                "name": "answer",
                "description": "The answer.",
                "schema": { "type": "object", "properties": { "a": { "type": "string" } } }
              }
            }
            """,
            _server.Single.Json["response_format"]);
    }

    [Fact]
    public async Task GetResponseAsync_ToolsAndToolResults_SendsDeclarationsCallsAndToolMessages()
    {
        _server.EnqueueCompletion("It is sunny.");
        using OpenAIChatClient client = CreateClient();
        AIFunction weather = AIFunctionFactory.Create(
            ([Description("The city.")] string city) => "sunny",
            "get_weather",
            "Gets the weather.");
        ChatMessage[] messages =
        [
            new(ChatRole.User, "Weather in Oslo?"),
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "sunny")]),
            new(ChatRole.Tool, [new FunctionResultContent("call_2", new { degrees = 21 })]),
        ];

        await client.GetResponseAsync(messages, new ChatOptions { Tools = [weather], ToolMode = ChatToolMode.RequireSpecific("get_weather"), AllowMultipleToolCalls = false });

        JsonAssert.Equal(
            """
            {
              "model": "gpt-test",
              "messages": [
                { "role": "user", "content": "Weather in Oslo?" },
                { "role": "assistant", "tool_calls": [ { "id": "call_1", "type": "function", "function": { "name": "get_weather", "arguments": "{\"city\":\"Oslo\"}" } } ] },
                { "role": "tool", "tool_call_id": "call_1", "content": "sunny" },
                { "role": "tool", "tool_call_id": "call_2", "content": "{\"degrees\":21}" }
              ],
              "tools": [
                {
                  "type": "function",
                  "function": {
                    "name": "get_weather",
                    "description": "Gets the weather.",
                    "parameters": { "type": "object", "properties": { "city": { "description": "The city.", "type": "string" } }, "required": ["city"] }
                  }
                }
              ],
              "tool_choice": { "type": "function", "function": { "name": "get_weather" } },
              "parallel_tool_calls": false
            }
            """,
            _server.Single.Json);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Request_AsksForStreamWithUsage()
    {
        _server.EnqueueStream(ChatWireServer.TextChunk("a"), ChatWireServer.Chunk([], "stop"));
        using OpenAIChatClient client = CreateClient();

        await foreach (ChatResponseUpdate _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]))
        {
        }

        JsonAssert.Equal(
            """
            {
              "model": "gpt-test",
              "messages": [ { "role": "user", "content": "Hi" } ],
              "stream": true,
              "stream_options": { "include_usage": true }
            }
            """,
            _server.Single.Json);
    }
}
