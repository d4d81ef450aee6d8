using Microsoft.Extensions.Logging;

namespace LlamaDb.Retrieval;

/// <summary>The pipeline's log events; user text only at Trace.</summary>
internal static partial class RagLog
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Trace, Message = "RAG question: {Question}")]
    public static partial void QuestionReceived(ILogger logger, string question);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Debug, Message = "Retrieved {Retrieved} chunks, {Relevant} cleared the threshold, {Packed} packed into {Tokens}/{Budget} tokens")]
    public static partial void SourcesPacked(ILogger logger, int retrieved, int relevant, int packed, int tokens, int budget);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "No source cleared the relevance threshold ({Retrieved} retrieved, threshold {Threshold}); answering without the model")]
    public static partial void NothingFound(ILogger logger, int retrieved, double? threshold);
}
