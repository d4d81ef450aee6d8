using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace LlamaDb.Chat.OpenAI;

/// <summary>
/// <c>AsLlamaDbChatClient()</c> for an existing SDK client. The SDK type appears in this signature on purpose: it is the
/// bridge for callers who already configured a <see cref="ChatClient"/>. (Named apart from Microsoft.Extensions.AI.OpenAI's
/// <c>AsIChatClient()</c>, so apps that reference both packages get no ambiguous call.)
/// </summary>
public static class OpenAIChatClientExtensions
{
    /// <summary>Wraps <paramref name="chatClient"/> as an <see cref="IChatClient"/>; its pipeline (auth, retries, timeouts) is used as configured.</summary>
    /// <param name="chatClient">The SDK client; its model is the default model.</param>
    /// <returns>The chat client.</returns>
    public static IChatClient AsLlamaDbChatClient(this ChatClient chatClient) => new OpenAIChatClient(ChatClientSetup.ForClient(chatClient));
}
