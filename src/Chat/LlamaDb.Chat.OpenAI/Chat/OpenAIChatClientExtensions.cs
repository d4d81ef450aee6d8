using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace LlamaDb.Chat.OpenAI;

/// <summary>
/// <c>AsIChatClient()</c> for an existing SDK client. The SDK type appears in this signature on purpose: it is the bridge
/// for callers who already configured a <see cref="ChatClient"/>.
/// </summary>
public static class OpenAIChatClientExtensions
{
    /// <summary>Wraps <paramref name="chatClient"/> as an <see cref="IChatClient"/>; its pipeline (auth, retries, timeouts) is used as configured.</summary>
    /// <param name="chatClient">The SDK client; its model is the default model.</param>
    /// <returns>The chat client.</returns>
    public static IChatClient AsIChatClient(this ChatClient chatClient) => new OpenAIChatClient(ChatClientSetup.ForClient(chatClient));
}
