using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AIFinishReason = Microsoft.Extensions.AI.ChatFinishReason;
using SdkFinishReason = OpenAI.Chat.ChatFinishReason;

namespace LlamaDb.Chat.OpenAI;

/// <summary>Mapping the SDK's completions and streaming updates back to MEAI types.</summary>
public sealed partial class OpenAIChatClient
{
    private static ChatResponse FromCompletion(ChatCompletion completion)
    {
        var contents = new List<AIContent>();
        foreach (ChatMessageContentPart part in completion.Content)
        {
            if (part.Kind == ChatMessageContentPartKind.Text && part.Text is { } text)
            {
                contents.Add(new TextContent(text) { RawRepresentation = part });
            }
        }

        if (!string.IsNullOrEmpty(completion.Refusal))
        {
            contents.Add(new ErrorContent(completion.Refusal) { ErrorCode = "refusal" });
        }

        foreach (ChatToolCall call in completion.ToolCalls)
        {
            if (call.Kind == ChatToolCallKind.Function)
            {
                contents.Add(ParseCall(call.Id, call.FunctionName, call.FunctionArguments?.ToString()));
            }
        }

        var message = new AIChatMessage(ChatRole.Assistant, contents)
        {
            MessageId = NullIfEmpty(completion.Id),
            CreatedAt = completion.CreatedAt == default ? null : completion.CreatedAt,
            RawRepresentation = completion,
        };

        return new ChatResponse(message)
        {
            ResponseId = NullIfEmpty(completion.Id),
            ModelId = NullIfEmpty(completion.Model),
            CreatedAt = completion.CreatedAt == default ? null : completion.CreatedAt,
            FinishReason = ToFinishReason(completion.FinishReason),
            Usage = ToUsage(completion.Usage),
            RawRepresentation = completion,
        };
    }

    private static ChatResponseUpdate FromStreamingUpdate(StreamingChatCompletionUpdate update, ToolCallAssembler toolCalls)
    {
        var contents = new List<AIContent>();
        foreach (ChatMessageContentPart part in update.ContentUpdate)
        {
            if (part.Kind == ChatMessageContentPartKind.Text && !string.IsNullOrEmpty(part.Text))
            {
                contents.Add(new TextContent(part.Text) { RawRepresentation = part });
            }
        }

        if (!string.IsNullOrEmpty(update.RefusalUpdate))
        {
            contents.Add(new ErrorContent(update.RefusalUpdate) { ErrorCode = "refusal" });
        }

        foreach (StreamingChatToolCallUpdate call in update.ToolCallUpdates)
        {
            toolCalls.Add(call.Index, call.ToolCallId, call.FunctionName, call.FunctionArgumentsUpdate?.ToString());
        }

        if (ToUsage(update.Usage) is { } usage)
        {
            contents.Add(new UsageContent(usage));
        }

        string? id = NullIfEmpty(update.CompletionId);
        return new ChatResponseUpdate(update.Role is null ? ChatRole.Assistant : ToRole(update.Role.Value), contents)
        {
            ResponseId = id,
            MessageId = id,
            ModelId = NullIfEmpty(update.Model),
            CreatedAt = update.CreatedAt == default ? null : update.CreatedAt,
            FinishReason = update.FinishReason is { } reason ? ToFinishReason(reason) : null,
            RawRepresentation = update,
        };
    }

    private static ChatRole ToRole(ChatMessageRole role) => role switch
    {
        ChatMessageRole.System => ChatRole.System,
        ChatMessageRole.User => ChatRole.User,
        ChatMessageRole.Tool or ChatMessageRole.Function => ChatRole.Tool,
        _ => ChatRole.Assistant,
    };

    private static AIFinishReason ToFinishReason(SdkFinishReason reason) => reason switch
    {
        SdkFinishReason.Stop => AIFinishReason.Stop,
        SdkFinishReason.Length => AIFinishReason.Length,
        SdkFinishReason.ContentFilter => AIFinishReason.ContentFilter,
        SdkFinishReason.ToolCalls or SdkFinishReason.FunctionCall => AIFinishReason.ToolCalls,
        _ => new AIFinishReason(reason.ToString()),
    };

    private static UsageDetails? ToUsage(ChatTokenUsage? usage)
    {
        if (usage is null)
        {
            return null;
        }

        return new UsageDetails
        {
            InputTokenCount = usage.InputTokenCount,
            OutputTokenCount = usage.OutputTokenCount,
            TotalTokenCount = usage.TotalTokenCount,
            CachedInputTokenCount = usage.InputTokenDetails?.CachedTokenCount is > 0 and var cached ? cached : null,
            ReasoningTokenCount = usage.OutputTokenDetails?.ReasoningTokenCount is > 0 and var reasoning ? reasoning : null,
        };
    }

    /// <summary>A tool call as <see cref="FunctionCallContent"/>; arguments that are not a JSON object surface in <see cref="FunctionCallContent.Exception"/>.</summary>
    internal static FunctionCallContent ParseCall(string callId, string name, string? arguments) =>
        FunctionCallContent.CreateFromParsedArguments(
            string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments,
            callId,
            name,
            static json => JsonSerializer.Deserialize(json, s_json.GetTypeInfo(typeof(Dictionary<string, object?>))) as Dictionary<string, object?>);

    /// <summary>
    /// Gathers streamed tool-call deltas by index: the first delta carries id and name, later ones argument fragments. A
    /// delta whose id differs from the id already stored at its index starts a new call (Ollama sends parallel calls all
    /// at index 0); the calls come out by index, then in arrival order.
    /// </summary>
    internal sealed class ToolCallAssembler
    {
        private readonly List<Slot> _slots = [];
        private readonly Dictionary<int, Slot> _current = [];

        public int Count => _slots.Count;

        public void Add(int index, string? id, string? name, string? argumentsDelta)
        {
            id = NullIfEmpty(id);
            if (!_current.TryGetValue(index, out Slot? slot) || (id is not null && slot.Id is not null && !string.Equals(id, slot.Id, StringComparison.Ordinal)))
            {
                slot = new Slot(index, _slots.Count);
                _slots.Add(slot);
                _current[index] = slot;
            }

            slot.Id ??= id;
            slot.Name ??= NullIfEmpty(name);
            slot.Arguments.Append(argumentsDelta);
        }

        /// <exception cref="ChatProviderException">A streamed call never named its function or its arguments could not be read.</exception>
        public List<AIContent> Build()
        {
            var result = new List<AIContent>(_slots.Count);
            foreach (Slot slot in _slots.OrderBy(s => s.Index).ThenBy(s => s.Sequence))
            {
                if (slot.Name is null)
                {
                    throw new ChatProviderException($"The streamed tool call at index {slot.Index} never named its function.");
                }

                try
                {
                    result.Add(ParseCall(slot.Id ?? $"call_{slot.Index}", slot.Name, slot.Arguments.ToString()));
                }
                catch (JsonException e)
                {
                    throw new ChatProviderException($"The arguments of the streamed tool call '{slot.Name}' at index {slot.Index} are not valid JSON.", e);
                }
            }

            return result;
        }

        private sealed class Slot(int index, int sequence)
        {
            public int Index { get; } = index;

            public int Sequence { get; } = sequence;

            public string? Id { get; set; }

            public string? Name { get; set; }

            public StringBuilder Arguments { get; } = new();
        }
    }
}
