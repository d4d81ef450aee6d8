using System.ClientModel;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using SdkChatClient = OpenAI.Chat.ChatClient;
using SdkChatMessage = OpenAI.Chat.ChatMessage;

namespace LlamaDb.Chat.OpenAI;

/// <summary>
/// An <see cref="IChatClient"/> over the OpenAI SDK's chat-completions client, for OpenAI, Azure OpenAI's v1 API and
/// servers speaking the same protocol (Ollama, vLLM, llama.cpp). Maps roles, system prompts, <see cref="ChatOptions"/>,
/// tool declarations and tool calls in both directions, streaming included (tool-call deltas are assembled into whole
/// <see cref="FunctionCallContent"/>s), and usage, finish reason and model id back.
/// </summary>
/// <remarks>
/// Failures surface as <see cref="ChatProviderException"/> with the HTTP status and the service's message, never the API
/// key. <see cref="GetService(Type, object?)"/> hands out the <see cref="ChatClientMetadata"/> and the underlying SDK client.
/// </remarks>
public sealed partial class OpenAIChatClient : IChatClient
{
    private readonly SdkChatClient _client;
    private readonly string _provider;
    private readonly string _model;
    private readonly string? _secret;
    private readonly bool _useMaxTokens;
    private readonly ChatClientMetadata _metadata;

    /// <summary>Initializes a client for OpenAI.</summary>
    /// <param name="options">The settings; the key falls back to <c>OPENAI_API_KEY</c>.</param>
    /// <exception cref="InvalidOperationException">No API key or model is set.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public OpenAIChatClient(OpenAIChatClientOptions options)
        : this(ChatClientSetup.ForOpenAI(options))
    {
    }

    /// <summary>Initializes a client for an Azure OpenAI deployment through the resource's <c>/openai/v1/</c> API.</summary>
    /// <param name="options">The settings; key and endpoint fall back to <c>AZURE_OPENAI_API_KEY</c> and <c>AZURE_OPENAI_ENDPOINT</c>.</param>
    /// <exception cref="InvalidOperationException">The key, endpoint or deployment is missing.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public OpenAIChatClient(AzureOpenAIChatClientOptions options)
        : this(ChatClientSetup.ForAzure(options))
    {
    }

    /// <summary>Initializes a client for an OpenAI-compatible server (Ollama, vLLM, llama.cpp, ...).</summary>
    /// <param name="options">The settings: base address, model and an optional key.</param>
    /// <exception cref="InvalidOperationException">The address or model is missing.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public OpenAIChatClient(OpenAICompatibleChatClientOptions options)
        : this(ChatClientSetup.ForCompatible(options))
    {
    }

    internal OpenAIChatClient(ChatClientSetup setup)
    {
        _client = setup.Client;
        _provider = setup.Provider;
        _model = setup.Model;
        _secret = setup.Secret;
        _useMaxTokens = setup.UseMaxTokensParameter;
        _metadata = new ChatClientMetadata(setup.Provider, setup.Endpoint, setup.Model);
    }

    /// <inheritdoc />
    /// <exception cref="ChatProviderException">The service refused the request or could not be reached.</exception>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        List<SdkChatMessage> sdkMessages = ToSdkMessages(messages, options);
        ChatCompletionOptions sdkOptions = ToSdkOptions(options);
        ChatCompletion completion;
        try
        {
            ClientResult<ChatCompletion> result = await _client.CompleteChatAsync(sdkMessages, sdkOptions, cancellationToken).ConfigureAwait(false);
            completion = result.Value;
        }
        catch (Exception e) when (Translate(e, cancellationToken) is { } translated)
        {
            throw translated;
        }

        return FromCompletion(completion);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One <see cref="ChatResponseUpdate"/> per server-sent event: text deltas as <see cref="TextContent"/>, usage as
    /// <see cref="UsageContent"/>. Tool-call deltas are gathered and yielded as whole <see cref="FunctionCallContent"/>s in
    /// one last update when the stream ends.
    /// </remarks>
    /// <exception cref="ChatProviderException">The service refused the request or the stream broke.</exception>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<AIChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        List<SdkChatMessage> sdkMessages = ToSdkMessages(messages, options);
        ChatCompletionOptions sdkOptions = ToSdkOptions(options);
        var toolCalls = new ToolCallAssembler();
        string? responseId = null;
        string? modelId = null;
        DateTimeOffset? createdAt = null;
        Microsoft.Extensions.AI.ChatFinishReason? finishReason = null;

        IAsyncEnumerator<StreamingChatCompletionUpdate> enumerator =
            _client.CompleteChatStreamingAsync(sdkMessages, sdkOptions, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                StreamingChatCompletionUpdate update;
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    update = enumerator.Current;
                }
                catch (Exception e) when (Translate(e, cancellationToken) is { } translated)
                {
                    throw translated;
                }

                responseId ??= NullIfEmpty(update.CompletionId);
                modelId ??= NullIfEmpty(update.Model);
                createdAt ??= update.CreatedAt == default ? null : update.CreatedAt;
                if (update.FinishReason is { } reason)
                {
                    finishReason = ToFinishReason(reason);
                }

                yield return FromStreamingUpdate(update, toolCalls);
            }
        }
        finally
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }

        if (toolCalls.Count > 0)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, toolCalls.Build())
            {
                ResponseId = responseId,
                MessageId = responseId,
                ModelId = modelId,
                CreatedAt = createdAt,
                FinishReason = finishReason ?? Microsoft.Extensions.AI.ChatFinishReason.ToolCalls,
            };
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return _metadata;
        }

        if (serviceType == typeof(SdkChatClient))
        {
            return _client;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The SDK client owns no unmanaged state of ours; its HTTP pipeline is shared and lives with the process.
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>Turns SDK and transport failures into <see cref="ChatProviderException"/>; cancellation by the caller passes through.</summary>
    private ChatProviderException? Translate(Exception error, CancellationToken cancellationToken)
    {
        if (error is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        switch (error)
        {
            case ClientResultException { Status: > 0 } e:
                ProviderError parsed = ProviderError.Read(e.GetRawResponse()?.Content);
                return new ChatProviderException(
                    _provider,
                    (HttpStatusCode)e.Status,
                    SecretRedactor.Redact(parsed.Message, _secret),
                    parsed.Type,
                    parsed.Code);

            case ClientResultException e:
                return new ChatProviderException(_provider, null, SecretRedactor.Redact("transport error: " + (e.InnerException ?? e).Message, _secret), null, null, e.InnerException);

            case OperationCanceledException e:
                return new ChatProviderException(_provider, null, "no response within the timeout", null, null, new TimeoutException(e.Message));

            case HttpRequestException or IOException:
                return new ChatProviderException(_provider, null, SecretRedactor.Redact("transport error: " + error.Message, _secret), null, null, error);

            case JsonException or FormatException:
                return new ChatProviderException(_provider, null, "malformed response: " + error.Message, null, null, error);

            default:
                return null;
        }
    }
}
