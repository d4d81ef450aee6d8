using System.ClientModel.Primitives;

namespace LlamaDb.Chat.OpenAI;

/// <summary>
/// Runs just before the transport on every try and decides how the key travels: Azure's <c>api-key</c> header (the bearer
/// header the SDK added is removed), or nothing at all for compatible servers configured without a key.
/// </summary>
internal sealed class KeyHeaderPolicy(string? apiKeyHeaderValue) : PipelinePolicy
{
    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Apply(message);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Apply(message);
        return ProcessNextAsync(message, pipeline, currentIndex);
    }

    private void Apply(PipelineMessage message)
    {
        message.Request.Headers.Remove("Authorization");
        if (apiKeyHeaderValue is not null)
        {
            message.Request.Headers.Set(ChatDefaults.AzureApiKeyHeader, apiKeyHeaderValue);
        }
    }
}
