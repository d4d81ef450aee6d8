using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LlamaDb.Chat.OpenAI;
using LlamaDb.Cli.Settings;
using LlamaDb.Retrieval;
using Microsoft.Extensions.AI;

namespace LlamaDb.Cli.Commands;

/// <summary><c>llamadb ask</c>: retrieve, then answer with a chat model, streaming the answer and listing its citations.</summary>
internal static class AskCommand
{
    public const string EndpointVariable = "LLAMADB_CHAT_ENDPOINT";
    public const string ModelVariable = "LLAMADB_CHAT_MODEL";
    public const string KeyVariable = "LLAMADB_CHAT_API_KEY";
    public const string AzureDeploymentVariable = "AZURE_OPENAI_DEPLOYMENT";

    private const string Description = """
        Answer a question from a collection with a chat model: the best chunks are numbered as sources, the model answers
        citing them as [1], [2], and the cited sources are listed after the streamed answer.

        The chat model, first match wins:
          --endpoint URL (or LLAMADB_CHAT_ENDPOINT, "chatEndpoint" in llamadb.json)
              an OpenAI-compatible server, e.g. http://localhost:11434/v1 (include /v1); --chat-model required;
              bearer key from LLAMADB_CHAT_API_KEY (none sent without it). An *.openai.azure.com endpoint is Azure OpenAI:
              key from LLAMADB_CHAT_API_KEY or AZURE_OPENAI_API_KEY, --chat-model is the deployment.
          AZURE_OPENAI_ENDPOINT + AZURE_OPENAI_API_KEY
              Azure OpenAI; the deployment is --chat-model or AZURE_OPENAI_DEPLOYMENT.
          OPENAI_API_KEY
              OpenAI; --chat-model defaults to gpt-4o-mini.
        """;

    public static Command Create()
    {
        var question = new Argument<string>("question") { Description = "The question." };
        var store = StoreOptions.Store();
        var collection = StoreOptions.Collection();
        var model = StoreOptions.Model("Embedding model folder or hub repo id. Default: the model the collection was built with.");
        var mode = StoreOptions.Mode();
        var rerank = StoreOptions.Rerank();
        var noRerank = StoreOptions.NoRerank();
        var filter = StoreOptions.Filter();
        var top = StoreOptions.Top("Sources given to the model (default 5).");
        var candidates = new Option<int?>("--candidates") { Description = "First-stage candidates the reranker sees (default max(50, --top))." };
        var endpoint = new Option<string?>("--endpoint") { Description = "Chat endpoint (OpenAI-compatible, include /v1; or an Azure OpenAI resource)." };
        var chatModel = new Option<string?>("--chat-model") { Description = "Chat model name (Azure: the deployment). Default: LLAMADB_CHAT_MODEL." };
        var json = StoreOptions.Json("Print one JSON object {\"answer\",\"found\",\"citations\",\"sources\"} instead of streaming.");
        var command = new Command("ask", Description)
        {
            question, store, collection, model, mode, rerank, noRerank, filter, top, candidates, endpoint, chatModel, json,
        };
        command.SetAction((parseResult, cancellationToken) => CliErrors.RunAsync(parseResult, async () =>
        {
            CliSettings settings = CliSettings.Load(parseResult);
            using IChatClient chat = CreateChatClient(settings.Get("chatEndpoint", parseResult.GetValue(endpoint)), settings.Get("chatModel", parseResult.GetValue(chatModel)));
            using SearchSession session = await SearchSession.OpenAsync(parseResult, settings, store, collection, model, rerank, noRerank, cancellationToken);
            RetrievalOptions retrieval = SearchSession.Options(parseResult, settings, mode, top, candidates, filter, session.Reranker is not null, fallbackTop: 5);
            var pipeline = new RagPipeline(session.Retriever, chat, new RagPipelineOptions { Top = retrieval.Top ?? RetrievalOptions.DefaultTop });
            var options = new RagOptions { Top = retrieval.Top, Retrieval = retrieval };
            string text = parseResult.GetValue(question)!; // required argument

            if (parseResult.GetValue(json))
            {
                RagAnswer answer = await pipeline.AskAsync(text, options, cancellationToken);
                WriteJson(answer);
                return 0;
            }

            RagAnswer? final = null;
            await foreach (RagUpdate update in pipeline.AskStreamingAsync(text, options, cancellationToken))
            {
                if (update.Kind == RagUpdateKind.TextDelta)
                {
                    Console.Write(update.Text);
                    await Console.Out.FlushAsync(cancellationToken);
                }
                else
                {
                    final = update.Answer;
                }
            }

            Console.WriteLine();
            if (final is not null)
            {
                WriteCitations(final);
            }

            return 0;
        }));
        return command;
    }

    /// <summary>Picks the chat client from the options and environment (see the command description).</summary>
    public static IChatClient CreateChatClient(string? endpoint, string? chatModel)
    {
        if (endpoint is not null)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new CliUsageException($"--endpoint '{endpoint}' is not an absolute http(s) address.");
            }

            if (uri.Host.EndsWith(".openai.azure.com", StringComparison.OrdinalIgnoreCase) || uri.Host.EndsWith(".cognitiveservices.azure.com", StringComparison.OrdinalIgnoreCase))
            {
                return new OpenAIChatClient(new AzureOpenAIChatClientOptions
                {
                    Endpoint = uri,
                    ApiKey = Env(KeyVariable) ?? Env(EmbeddingProviders.AzureKeyVariable)
                        ?? throw new CliUsageException($"The Azure OpenAI endpoint needs a key: set {KeyVariable} or {EmbeddingProviders.AzureKeyVariable}."),
                    Deployment = chatModel ?? Env(AzureDeploymentVariable)
                        ?? throw new CliUsageException($"The Azure OpenAI endpoint needs a deployment: pass --chat-model <deployment> or set {AzureDeploymentVariable}."),
                });
            }

            return new OpenAIChatClient(new OpenAICompatibleChatClientOptions
            {
                Endpoint = uri,
                Model = chatModel ?? throw new CliUsageException($"--endpoint needs a model: pass --chat-model <name> or set {ModelVariable}."),
                ApiKey = Env(KeyVariable),
            });
        }

        if (Env(EmbeddingProviders.AzureEndpointVariable) is { } azure)
        {
            return CreateChatClientForAzure(azure, chatModel);
        }

        if (Env(EmbeddingProviders.OpenAIKeyVariable) is { } key)
        {
            var options = new OpenAIChatClientOptions { ApiKey = key };
            if (chatModel is not null)
            {
                options.Model = chatModel;
            }

            return new OpenAIChatClient(options);
        }

        throw new CliUsageException(
            $"ask needs a chat model: pass --endpoint <url> --chat-model <name> (or set {EndpointVariable} and {ModelVariable}), "
            + $"or set {EmbeddingProviders.OpenAIKeyVariable}, or {EmbeddingProviders.AzureEndpointVariable} and {EmbeddingProviders.AzureKeyVariable}.");
    }

    private static OpenAIChatClient CreateChatClientForAzure(string endpoint, string? chatModel)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? uri))
        {
            throw new CliUsageException($"{EmbeddingProviders.AzureEndpointVariable} '{endpoint}' is not an absolute address.");
        }

        return new OpenAIChatClient(new AzureOpenAIChatClientOptions
        {
            Endpoint = uri,
            ApiKey = Env(EmbeddingProviders.AzureKeyVariable)
                ?? throw new CliUsageException($"Azure OpenAI needs a key: set {EmbeddingProviders.AzureKeyVariable}."),
            Deployment = chatModel ?? Env(AzureDeploymentVariable)
                ?? throw new CliUsageException($"Azure OpenAI needs a deployment: pass --chat-model <deployment> or set {AzureDeploymentVariable}."),
        });
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) ? value : null;

    private static void WriteCitations(RagAnswer answer)
    {
        if (answer.NothingFound)
        {
            return;
        }

        IReadOnlyList<RagCitation> list = answer.Citations.Count > 0 ? answer.Citations : answer.Sources;
        Console.WriteLine();
        Console.WriteLine(answer.Citations.Count > 0 ? "Citations:" : "Sources (the answer cites none):");
        foreach (RagCitation c in list)
        {
            string heading = c.HeadingPath is { Length: > 0 } h ? $" > {h}" : string.Empty;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  [{c.Number}] {c.Source}{heading} (chars {c.StartOffset}-{c.EndOffset}, score {c.Score:F4})"));
        }
    }

    private static void WriteJson(RagAnswer answer)
    {
        using Stream stdout = Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("answer", answer.Text);
            writer.WriteBoolean("found", !answer.NothingFound);
            WriteList(writer, "citations", answer.Citations);
            WriteList(writer, "sources", answer.Sources);
            writer.WriteString("model", answer.ModelId);
            writer.WriteEndObject();
        }

        Console.WriteLine();
    }

    private static void WriteList(Utf8JsonWriter writer, string name, IReadOnlyList<RagCitation> citations)
    {
        writer.WriteStartArray(name);
        foreach (RagCitation c in citations)
        {
            writer.WriteStartObject();
            writer.WriteNumber("number", c.Number);
            writer.WriteNumber("score", c.Score);
            writer.WriteString("source", c.Source);
            writer.WriteString("documentId", c.DocumentId);
            writer.WriteString("chunkId", c.ChunkId);
            writer.WriteString("title", c.Title);
            writer.WriteString("headingPath", c.HeadingPath);
            writer.WriteNumber("startOffset", c.StartOffset);
            writer.WriteNumber("endOffset", c.EndOffset);
            writer.WriteString("text", c.Text);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
