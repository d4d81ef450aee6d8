using System.ClientModel.Primitives;

namespace LlamaDb.Embedders.OpenAI;

/// <summary>Sends the key as Azure's <c>api-key</c> header and removes any <c>Authorization</c> header the SDK added.</summary>
internal sealed class AzureApiKeyPolicy(string apiKey) : PipelinePolicy
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
        message.Request.Headers.Set(OpenAIClientFactory.AzureApiKeyHeader, apiKey);
    }
}
