using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlamaDb.Retrieval.Tests.TestDoubles;

/// <summary>
/// A chat client that records what it received and answers with a scripted text (streamed in the given pieces). Not a
/// model: it lets tests see the exact prompt the pipeline builds and control the answer the citations are parsed from.
/// </summary>
public sealed class RecordingChatClient(params string[] answerPieces) : IChatClient
{
    public List<(List<ChatMessage> Messages, ChatOptions? Options)> Calls { get; } = [];

    public UsageDetails Usage { get; set; } = new() { InputTokenCount = 100, OutputTokenCount = 10, TotalTokenCount = 110 };

    public string PromptOf(int call = 0) => Calls[call].Messages[^1].Text;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls.Add(([.. messages], options));
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, string.Concat(answerPieces)))
        {
            Usage = Usage,
            ModelId = "recording-model",
            FinishReason = ChatFinishReason.Stop,
        });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Calls.Add(([.. messages], options));
        foreach (string piece in answerPieces)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, piece) { ModelId = "recording-model" };
        }

        yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(Usage)]) { FinishReason = ChatFinishReason.Stop };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
