using System.Text.Json.Nodes;

namespace LlamaDb.Chat.OpenAI.Tests.Infrastructure;

/// <summary>Structural JSON equality (property order ignored), with both documents in the failure message.</summary>
public static class JsonAssert
{
    public static void Equal(string expected, JsonNode? actual)
    {
        JsonNode? expectedNode = JsonNode.Parse(expected);
        Assert.True(
            JsonNode.DeepEquals(expectedNode, actual),
            $"Expected:\n{expectedNode?.ToJsonString()}\nActual:\n{actual?.ToJsonString()}");
    }
}
