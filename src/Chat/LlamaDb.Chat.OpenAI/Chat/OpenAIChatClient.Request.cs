using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using SdkChatMessage = OpenAI.Chat.ChatMessage;
using SdkResponseFormat = OpenAI.Chat.ChatResponseFormat;

namespace LlamaDb.Chat.OpenAI;

/// <summary>Mapping MEAI messages and options to the SDK's request types.</summary>
public sealed partial class OpenAIChatClient
{
    /// <summary>MEAI's serializer settings, compact: arguments and results go on the wire, not to a person.</summary>
    private static readonly JsonSerializerOptions s_json = CreateJsonOptions();

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions) { WriteIndented = false };
        options.MakeReadOnly();
        return options;
    }

    private static List<SdkChatMessage> ToSdkMessages(IEnumerable<AIChatMessage> messages, ChatOptions? options)
    {
        var result = new List<SdkChatMessage>();
        if (!string.IsNullOrWhiteSpace(options?.Instructions))
        {
            result.Add(new SystemChatMessage(options.Instructions));
        }

        int index = 0;
        foreach (AIChatMessage message in messages)
        {
            if (message is null)
            {
                throw new ArgumentException($"messages[{index}] is null.", nameof(messages));
            }

            if (message.RawRepresentation is SdkChatMessage raw)
            {
                result.Add(raw);
            }
            else if (message.Role == ChatRole.System)
            {
                result.Add(new SystemChatMessage(TextParts(message)) { ParticipantName = message.AuthorName });
            }
            else if (message.Role == ChatRole.User)
            {
                result.Add(new UserChatMessage(UserParts(message, index)) { ParticipantName = message.AuthorName });
            }
            else if (message.Role == ChatRole.Assistant)
            {
                AddAssistant(result, message);
            }
            else if (message.Role == ChatRole.Tool)
            {
                AddToolResults(result, message);
            }
            else
            {
                throw new ArgumentException($"messages[{index}] has role '{message.Role}', which chat completions does not know (system, user, assistant, tool).", nameof(messages));
            }

            index++;
        }

        return result;
    }

    private static List<ChatMessageContentPart> TextParts(AIChatMessage message)
    {
        var parts = new List<ChatMessageContentPart>();
        foreach (AIContent content in message.Contents)
        {
            if (content is TextContent { Text: { } text })
            {
                parts.Add(ChatMessageContentPart.CreateTextPart(text));
            }
        }

        return parts;
    }

    private static List<ChatMessageContentPart> UserParts(AIChatMessage message, int index)
    {
        var parts = new List<ChatMessageContentPart>();
        foreach (AIContent content in message.Contents)
        {
            switch (content)
            {
                case TextContent { Text: { } text }:
                    parts.Add(ChatMessageContentPart.CreateTextPart(text));
                    break;

                case UriContent uri when uri.HasTopLevelMediaType("image"):
                    parts.Add(ChatMessageContentPart.CreateImagePart(uri.Uri));
                    break;

                case DataContent data when data.HasTopLevelMediaType("image"):
                    parts.Add(ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(data.Data), data.MediaType));
                    break;

                case FunctionResultContent:
                    throw new ArgumentException($"messages[{index}] is a user message carrying a function result; send results in a message with role tool.", "messages");
            }
        }

        return parts;
    }

    private static void AddAssistant(List<SdkChatMessage> result, AIChatMessage message)
    {
        var parts = new List<ChatMessageContentPart>();
        var toolCalls = new List<ChatToolCall>();
        foreach (AIContent content in message.Contents)
        {
            switch (content)
            {
                case TextContent { Text: { Length: > 0 } text }:
                    parts.Add(ChatMessageContentPart.CreateTextPart(text));
                    break;

                case FunctionCallContent call:
                    string arguments = JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), s_json.GetTypeInfo(typeof(IDictionary<string, object?>)));
                    toolCalls.Add(ChatToolCall.CreateFunctionToolCall(call.CallId, call.Name, BinaryData.FromString(arguments)));
                    break;
            }
        }

        AssistantChatMessage assistant = toolCalls.Count > 0 ? new AssistantChatMessage(toolCalls) : new AssistantChatMessage(parts);
        if (toolCalls.Count > 0)
        {
            foreach (ChatMessageContentPart part in parts)
            {
                assistant.Content.Add(part);
            }
        }

        assistant.ParticipantName = message.AuthorName;
        if (parts.Count > 0 || toolCalls.Count > 0)
        {
            result.Add(assistant);
        }
    }

    private static void AddToolResults(List<SdkChatMessage> result, AIChatMessage message)
    {
        foreach (AIContent content in message.Contents)
        {
            if (content is FunctionResultContent functionResult)
            {
                result.Add(new ToolChatMessage(functionResult.CallId, ResultText(functionResult)));
            }
        }
    }

    /// <summary>A function result as the text the model reads: strings as they are, anything else as JSON.</summary>
    private static string ResultText(FunctionResultContent result) => result.Result switch
    {
        null when result.Exception is { } e => "Error: " + e.Message,
        null => string.Empty,
        string text => text,
        TextContent text => text.Text,
        JsonElement element => element.GetRawText(),
        object value => JsonSerializer.Serialize(value, s_json.GetTypeInfo(value.GetType())),
    };

    private ChatCompletionOptions ToSdkOptions(ChatOptions? options)
    {
        ChatCompletionOptions result = options?.RawRepresentationFactory?.Invoke(this) as ChatCompletionOptions ?? new ChatCompletionOptions();
        if (options is null)
        {
            return result;
        }

        result.Temperature ??= options.Temperature;
        result.TopP ??= options.TopP;
        result.FrequencyPenalty ??= options.FrequencyPenalty;
        result.PresencePenalty ??= options.PresencePenalty;
        result.AllowParallelToolCalls ??= options.AllowMultipleToolCalls;
#pragma warning disable OPENAI001 // Seed is marked experimental in SDK 2.15; it is a stable field of the wire protocol.
        result.Seed ??= options.Seed;
#pragma warning restore OPENAI001

        if (options.MaxOutputTokens is { } maxTokens)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTokens, "ChatOptions.MaxOutputTokens");
            if (_useMaxTokens)
            {
#pragma warning disable SCME0001 // JsonPatch is experimental; it is the SDK's only way to send a field its model lacks.
                result.Patch.Set("$.max_tokens"u8, maxTokens);
#pragma warning restore SCME0001
            }
            else
            {
                result.MaxOutputTokenCount ??= maxTokens;
            }
        }

        if (!string.IsNullOrWhiteSpace(options.ModelId) && !string.Equals(options.ModelId, _model, StringComparison.Ordinal))
        {
#pragma warning disable SCME0001 // The typed API takes the model from the client; the patch replaces it for this request.
            result.Patch.Set("$.model"u8, options.ModelId);
#pragma warning restore SCME0001
        }

        if (options.StopSequences is { Count: > 0 } stops)
        {
            foreach (string stop in stops)
            {
                result.StopSequences.Add(stop);
            }
        }

        result.ResponseFormat ??= options.ResponseFormat switch
        {
            ChatResponseFormatText => SdkResponseFormat.CreateTextFormat(),
            ChatResponseFormatJson { Schema: { } schema } json => SdkResponseFormat.CreateJsonSchemaFormat(
                json.SchemaName ?? "json_schema",
                BinaryData.FromString(schema.GetRawText()),
                json.SchemaDescription),
            ChatResponseFormatJson => SdkResponseFormat.CreateJsonObjectFormat(),
            _ => null,
        };

        if (options.Tools is { Count: > 0 } tools)
        {
            foreach (AITool tool in tools)
            {
                if (tool is AIFunctionDeclaration function)
                {
                    result.Tools.Add(ChatTool.CreateFunctionTool(
                        function.Name,
                        string.IsNullOrEmpty(function.Description) ? null : function.Description,
                        BinaryData.FromString(function.JsonSchema.GetRawText())));
                }
            }

            if (result.ToolChoice is null && result.Tools.Count > 0)
            {
                result.ToolChoice = options.ToolMode switch
                {
                    NoneChatToolMode => ChatToolChoice.CreateNoneChoice(),
                    RequiredChatToolMode { RequiredFunctionName: { } name } => ChatToolChoice.CreateFunctionChoice(name),
                    RequiredChatToolMode => ChatToolChoice.CreateRequiredChoice(),
                    AutoChatToolMode => ChatToolChoice.CreateAutoChoice(),
                    _ => null,
                };
            }
        }

        return result;
    }
}
