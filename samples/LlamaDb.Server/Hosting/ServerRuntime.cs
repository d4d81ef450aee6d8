using LlamaDb.Chat.OpenAI;
using LlamaDb.Embedders.Onnx;
using LlamaDb.Embedders.Onnx.Hub;
using LlamaDb.Retrieval;
using LlamaDb.Retrieval.Onnx;
using LlamaDb.Server.Stores;
using Microsoft.Extensions.AI;

namespace LlamaDb.Server.Hosting;

/// <summary>
/// The models and the store, loaded once when the host starts (before Kestrel listens) and released when it stops.
/// Endpoints read them from here.
/// </summary>
internal sealed partial class ServerRuntime(ServerSettings settings, LlamaDbServerOptions options, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<ServerRuntime>();
    private readonly List<IDisposable> _owned = [];
    private IEmbeddingGenerator<string, Embedding<float>>? _embedder;
    private CollectionManager? _collections;

    public ServerSettings Settings { get; } = settings;

    public ServerLimits Limits => Settings.Limits;

    public IEmbeddingGenerator<string, Embedding<float>> Embedder => _embedder ?? throw new InvalidOperationException("The server has not started.");

    public string ModelId { get; private set; } = string.Empty;

    /// <summary>Gets the full path of the ONNX model folder, when the server loaded one (null for a generator passed in code).</summary>
    public string? ModelPath { get; private set; }

    public int Dimensions { get; private set; }

    public IReranker? Reranker { get; private set; }

    public string? RerankerModelId { get; private set; }

    public IChatClient? ChatClient { get; private set; }

    public CollectionManager Collections => _collections ?? throw new InvalidOperationException("The server has not started.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.EmbeddingGenerator is { } given)
        {
            _embedder = given;
        }
        else
        {
            string model = Settings.Model ?? throw new InvalidOperationException("No embedding model: pass --model <dir|repo-id>, or set LlamaDb:Server:Model or LLAMADB_MODEL.");
            string directory = await ResolveModelDirectoryAsync(model, cancellationToken);
            ModelPath = Path.GetFullPath(directory);
            var onnx = await OnnxEmbeddingGenerator.CreateAsync(directory, cancellationToken: cancellationToken);
            _owned.Add(onnx);
            _embedder = onnx;
        }

        EmbeddingGeneratorMetadata? metadata = _embedder.GetService<EmbeddingGeneratorMetadata>();
        ModelId = metadata?.DefaultModelId ?? Settings.Model ?? "unknown";
        Dimensions = metadata?.DefaultModelDimensions ?? 0;
        if (Dimensions <= 0)
        {
            // The generator does not say: embed one probe text.
            GeneratedEmbeddings<Embedding<float>> probe = await _embedder.GenerateAsync(["dimensions"], cancellationToken: cancellationToken);
            Dimensions = probe[0].Vector.Length;
        }

        if (options.Reranker is { } reranker)
        {
            Reranker = reranker;
            RerankerModelId = reranker is CrossEncoderReranker ce ? ce.ModelId : "custom";
        }
        else if (Settings.RerankerModel is { } rerankerModel)
        {
            string directory = await ResolveModelDirectoryAsync(rerankerModel, cancellationToken);
            var crossEncoder = await CrossEncoderReranker.CreateAsync(directory, cancellationToken: cancellationToken);
            _owned.Add(crossEncoder);
            Reranker = crossEncoder;
            RerankerModelId = crossEncoder.ModelId;
        }

        if (options.ChatClient is { } chat)
        {
            ChatClient = chat;
        }
        else if (Settings.ChatEndpoint is { } endpoint)
        {
            var client = new OpenAIChatClient(new OpenAICompatibleChatClientOptions
            {
                Endpoint = endpoint,
                ApiKey = Settings.ChatApiKey,
                Model = Settings.ChatModel ?? throw new InvalidOperationException("LlamaDb:Chat:Endpoint is set but LlamaDb:Chat:Model (or LLAMADB_CHAT_MODEL) is not."),
            });
            _owned.Add(client);
            ChatClient = client;
        }

        ChunkStoreBackend store = ChunkStoreBackend.Open(Settings.StorePath, new ChunkStoreBackendOptions { LoggerFactory = loggerFactory });
        try
        {
            // A PostgreSQL server that does not answer fails the start, like a missing model, instead of every request.
            await store.ProbeAsync(cancellationToken);
        }
        catch
        {
            store.Dispose();
            throw;
        }

        _collections = new CollectionManager(store, _embedder, ModelId, Dimensions, loggerFactory, ModelPath);
        LogStarted(_logger, store.Display, ModelId, Dimensions, RerankerModelId ?? "none", ChatClient is not null);
        if (Settings.ApiKeys.Count == 0)
        {
            LogOpen(_logger);
        }
    }

    /// <summary>Checkpoints every open collection of a folder store (snapshots replace the log), so the next start is fast and nothing waits in the log.</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => _collections?.CheckpointAllAsync(cancellationToken) ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_collections is not null)
        {
            await _collections.DisposeAsync();
        }

        foreach (IDisposable owned in _owned)
        {
            owned.Dispose();
        }
    }

    private static async Task<string> ResolveModelDirectoryAsync(string model, CancellationToken cancellationToken)
    {
        if (Directory.Exists(model))
        {
            return Path.GetFullPath(model);
        }

        if (model.Count(c => c == '/') == 1 && !model.StartsWith('.') && !Path.IsPathRooted(model))
        {
            // owner/name: a Hugging Face repository, fetched once into the model cache (sha256-checked, resumable).
            using var downloader = new ModelDownloader();
            return await downloader.DownloadAsync(model, cancellationToken: cancellationToken);
        }

        throw new DirectoryNotFoundException($"Model '{model}' is neither a folder nor a repository id (owner/name).");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "LlamaDb server: store {Store}, embedding model {Model} ({Dimensions} dimensions), reranker {Reranker}, chat configured: {Chat}")]
    private static partial void LogStarted(ILogger logger, string store, string model, int dimensions, string reranker, bool chat);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No API keys are configured (LlamaDb:Server:ApiKeys or LLAMADB_API_KEYS): the server accepts every request. Set keys before exposing it beyond this machine.")]
    private static partial void LogOpen(ILogger logger);
}
