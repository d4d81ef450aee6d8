using LlamaDb.Chat.OpenAI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers <see cref="OpenAIChatClient"/> as <see cref="IChatClient"/> (singleton) for OpenAI, Azure OpenAI or an
/// OpenAI-compatible server. Only a factory is registered: options are read, validated and the client built when it is
/// first resolved. Settings apply in this order: the configuration section, then <c>configure</c>, then the environment
/// variables for whatever is still unset (<c>OPENAI_API_KEY</c>; <c>AZURE_OPENAI_API_KEY</c>, <c>AZURE_OPENAI_ENDPOINT</c>).
/// </summary>
public static class OpenAIChatClientServiceCollectionExtensions
{
    /// <summary>Adds an OpenAI chat client.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options; the key falls back to <c>OPENAI_API_KEY</c>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddOpenAIChatClient(this IServiceCollection services, Action<OpenAIChatClientOptions>? configure = null) =>
        Add(services, serviceKey: null, keyed: false, () => Build<OpenAIChatClientOptions>(null, configure), o => new OpenAIChatClient(o));

    /// <summary>Adds an OpenAI chat client with options bound from <paramref name="configuration"/> (e.g. the <c>OpenAI</c> section).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">A section whose keys are <see cref="OpenAIChatClientOptions"/>' property names.</param>
    /// <param name="configure">Changes applied after binding.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddOpenAIChatClient(this IServiceCollection services, IConfiguration configuration, Action<OpenAIChatClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Add(services, serviceKey: null, keyed: false, () => Build(configuration, configure), o => new OpenAIChatClient(o));
    }

    /// <summary>Adds an OpenAI chat client under <paramref name="serviceKey"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key to resolve it by.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddKeyedOpenAIChatClient(this IServiceCollection services, object? serviceKey, Action<OpenAIChatClientOptions>? configure = null) =>
        Add(services, serviceKey, keyed: true, () => Build<OpenAIChatClientOptions>(null, configure), o => new OpenAIChatClient(o));

    /// <summary>Adds an Azure OpenAI chat client (the resource's <c>/openai/v1/</c> API, <c>api-key</c> header, deployment as model).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options; key and endpoint fall back to <c>AZURE_OPENAI_API_KEY</c> and <c>AZURE_OPENAI_ENDPOINT</c>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAzureOpenAIChatClient(this IServiceCollection services, Action<AzureOpenAIChatClientOptions>? configure = null) =>
        Add(services, serviceKey: null, keyed: false, () => Build<AzureOpenAIChatClientOptions>(null, configure), o => new OpenAIChatClient(o));

    /// <summary>Adds an Azure OpenAI chat client with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">A section whose keys are <see cref="AzureOpenAIChatClientOptions"/>' property names.</param>
    /// <param name="configure">Changes applied after binding.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAzureOpenAIChatClient(this IServiceCollection services, IConfiguration configuration, Action<AzureOpenAIChatClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Add(services, serviceKey: null, keyed: false, () => Build(configuration, configure), o => new OpenAIChatClient(o));
    }

    /// <summary>Adds an Azure OpenAI chat client under <paramref name="serviceKey"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key to resolve it by.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddKeyedAzureOpenAIChatClient(this IServiceCollection services, object? serviceKey, Action<AzureOpenAIChatClientOptions>? configure = null) =>
        Add(services, serviceKey, keyed: true, () => Build<AzureOpenAIChatClientOptions>(null, configure), o => new OpenAIChatClient(o));

    /// <summary>Adds a chat client for an OpenAI-compatible server (Ollama, vLLM, llama.cpp): base address, model, optional key.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddOpenAICompatibleChatClient(this IServiceCollection services, Action<OpenAICompatibleChatClientOptions>? configure = null) =>
        Add(services, serviceKey: null, keyed: false, () => Build<OpenAICompatibleChatClientOptions>(null, configure), o => new OpenAIChatClient(o));

    /// <summary>Adds a chat client for an OpenAI-compatible server with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">A section whose keys are <see cref="OpenAICompatibleChatClientOptions"/>' property names.</param>
    /// <param name="configure">Changes applied after binding.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddOpenAICompatibleChatClient(this IServiceCollection services, IConfiguration configuration, Action<OpenAICompatibleChatClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Add(services, serviceKey: null, keyed: false, () => Build(configuration, configure), o => new OpenAIChatClient(o));
    }

    /// <summary>Adds a chat client for an OpenAI-compatible server under <paramref name="serviceKey"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key to resolve it by.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddKeyedOpenAICompatibleChatClient(this IServiceCollection services, object? serviceKey, Action<OpenAICompatibleChatClientOptions>? configure = null) =>
        Add(services, serviceKey, keyed: true, () => Build<OpenAICompatibleChatClientOptions>(null, configure), o => new OpenAIChatClient(o));

    private static TOptions Build<TOptions>(IConfiguration? configuration, Action<TOptions>? configure)
        where TOptions : new()
    {
        var options = new TOptions();
        configuration?.Bind(options);
        configure?.Invoke(options);
        return options;
    }

    private static IServiceCollection Add<TOptions>(IServiceCollection services, object? serviceKey, bool keyed, Func<TOptions> options, Func<TOptions, OpenAIChatClient> create)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (keyed)
        {
            services.AddKeyedSingleton<IChatClient>(serviceKey, (_, _) => create(options()));
        }
        else
        {
            services.AddSingleton<IChatClient>(_ => create(options()));
        }

        return services;
    }
}
