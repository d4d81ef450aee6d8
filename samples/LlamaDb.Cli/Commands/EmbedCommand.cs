using System.CommandLine;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text.Json;
using LlamaDb.Embedders;
using LlamaDb.Embedders.Onnx;
using Microsoft.Extensions.AI;

namespace LlamaDb.Cli.Commands;

/// <summary><c>llamadb embed</c>: embeddings as JSON from a local ONNX model or a remote provider, or the cosine similarity of two texts.</summary>
internal static class EmbedCommand
{
    public static readonly Option<string> ModelOption = new("--model", "-m")
    {
        Description = "Model folder (Hugging Face / sentence-transformers layout), defaulting to LLAMADB_MODEL. "
            + "llamadb embed with a remote --provider: the model id (azure-openai: the deployment name).",
    };

    public static readonly Option<string> PoolingOption = new("--pooling")
    {
        Description = "Pooling: mean, cls, max, meansqrt, last or auto.",
        DefaultValueFactory = _ => "auto",
    };

    public static readonly Option<string> NormalizeOption = new("--normalize")
    {
        Description = "L2 normalization: auto (from modules.json), true or false.",
        DefaultValueFactory = _ => "auto",
    };

    public static readonly Option<int?> ThreadsOption = new("--threads")
    {
        Description = "ONNX Runtime intra-op threads. Defaults to the processor count.",
    };

    public static readonly Option<string> ProviderOption = new("--provider")
    {
        Description = "Where embeddings come from: onnx (a local model folder), openai, azure-openai, cohere or openai-compatible.",
        DefaultValueFactory = _ => EmbeddingProviders.Onnx,
    };

    public static readonly Option<string> EndpointOption = new("--endpoint")
    {
        Description = "Remote providers: the service address. openai: the API base including /v1 (default https://api.openai.com/v1); "
            + "azure-openai: the resource (default AZURE_OPENAI_ENDPOINT); cohere: default https://api.cohere.com; "
            + "openai-compatible: required, e.g. http://localhost:11434.",
    };

    public static readonly Option<string> InputTypeOption = new("--input-type")
    {
        Description = "Remote providers: what the texts are for: search_query, search_document, classification or clustering. "
            + "Sent as Cohere's input_type (Cohere's default is search_document); OpenAI, Azure OpenAI and OpenAI-compatible APIs "
            + "have no such field, so it is not sent to them. Not accepted with onnx: put the model's prefix in the text.",
    };

    private const string Description = """
        Embed texts and print JSON: {"model", "dimensions", "embeddings", "truncated", "tokens"}; with --compare, the cosine similarity of two texts.

        Providers (--provider, default onnx) and where their keys come from (read from the environment, never printed):
          onnx               a local model folder (--model or LLAMADB_MODEL); no key
          openai             OPENAI_API_KEY; --model defaults to text-embedding-3-small
          azure-openai       AZURE_OPENAI_API_KEY, and AZURE_OPENAI_ENDPOINT or --endpoint; --model is the deployment
          cohere             COHERE_API_KEY; --model required (e.g. embed-v4.0)
          openai-compatible  --endpoint required; LLAMADB_API_KEY if the server wants a bearer token

        Output fields per provider:
          model       onnx: the model id (folder name); remote: the model the service reported, else the one asked for
          dimensions  length of each vector (--dimensions: onnx truncates and re-normalizes; remote providers ask the service)
          embeddings  one vector per text, in input order, exactly as the model or service produced them
          truncated   onnx: true when a text was cut to the model's maximum sequence length; remote: always false, as the
                      services do not report it (Cohere cuts long texts server-side by default; OpenAI rejects them)
          tokens      onnx: tokens the model ran on; remote: the input tokens the service billed (OpenAI usage.prompt_tokens,
                      Cohere meta.billed_units.input_tokens), or null when the service reports none

        Errors (a missing key or endpoint, a refused request with its HTTP status) are one line on stderr and exit code 1.
        """;

    public static Command Create()
    {
        PoolingOption.AcceptOnlyFromAmong("mean", "cls", "max", "meansqrt", "last", "auto");
        NormalizeOption.AcceptOnlyFromAmong("auto", "true", "false");
        ProviderOption.AcceptOnlyFromAmong(EmbeddingProviders.Names);
        InputTypeOption.AcceptOnlyFromAmong(EmbeddingProviders.InputTypes);
        var dimensions = new Option<int?>("--dimensions") { Description = "Keep the first N dimensions (Matryoshka) and re-normalize; remote providers ask the service for N." };
        var compare = new Option<string[]>("--compare")
        {
            Description = "Print the cosine similarity of two texts.",
            Arity = new ArgumentArity(2, 2),
            AllowMultipleArgumentsPerToken = true,
        };
        var texts = new Argument<string[]>("text") { Description = "Texts to embed.", Arity = ArgumentArity.ZeroOrMore };

        var command = new Command("embed", Description)
        {
            ProviderOption, ModelOption, EndpointOption, InputTypeOption, PoolingOption, NormalizeOption, dimensions, ThreadsOption, compare, texts,
        };
        command.SetAction((parseResult, cancellationToken) => CliErrors.RunAsync(parseResult, async () =>
        {
            string[]? pair = parseResult.GetValue(compare) is { Length: 2 } both ? both : null;
            string[] inputs = pair ?? parseResult.GetValue(texts) ?? [];
            if (inputs.Length == 0)
            {
                throw new CliUsageException("Give at least one text to embed, or --compare <a> <b>.");
            }

            string provider = parseResult.GetValue(ProviderOption) ?? EmbeddingProviders.Onnx;
            bool local = provider == EmbeddingProviders.Onnx;
            CheckOptionsFit(parseResult, provider);
            string? inputType = parseResult.GetValue(InputTypeOption);

            using IEmbeddingGenerator<string, Embedding<float>> generator = local
                ? await CreateGeneratorAsync(parseResult, cancellationToken).ConfigureAwait(false)
                : EmbeddingProviders.CreateRemote(provider, parseResult.GetValue(EndpointOption), parseResult.GetValue(ModelOption));
            var options = new EmbeddingGenerationOptions { Dimensions = parseResult.GetValue(dimensions) };
            if (inputType is not null && EmbeddingProviders.SendsInputType(provider))
            {
                options = options.WithInputType(inputType);
            }

            GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(inputs, options, cancellationToken).ConfigureAwait(false);
            if (embeddings.Count != inputs.Length)
            {
                throw new InvalidDataException($"The {provider} provider returned {embeddings.Count} embeddings for {inputs.Length} texts.");
            }

            if (pair is not null)
            {
                float similarity = TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[1].Vector.Span);
                Console.WriteLine(similarity.ToString("R", CultureInfo.InvariantCulture));
                return 0;
            }

            string? model = local
                ? generator.GetService<OnnxEmbeddingGenerator>()!.ModelId // the local branch made an OnnxEmbeddingGenerator
                : embeddings[0].ModelId ?? generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId;
            long? tokens = local ? embeddings.Usage?.InputTokenCount ?? 0 : embeddings.Usage?.InputTokenCount;

            using Stream stdout = Console.OpenStandardOutput();
            await using var json = new Utf8JsonWriter(stdout);
            json.WriteStartObject();
            json.WriteString("model", model);
            json.WriteNumber("dimensions", embeddings[0].Vector.Length);
            json.WriteStartArray("embeddings");
            foreach (Embedding<float> embedding in embeddings)
            {
                json.WriteStartArray();
                foreach (float value in embedding.Vector.Span)
                {
                    json.WriteNumberValue(value);
                }

                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteStartArray("truncated");
            foreach (Embedding<float> embedding in embeddings)
            {
                json.WriteBooleanValue(embedding.AdditionalProperties?.ContainsKey(OnnxEmbeddingGenerator.TruncatedProperty) == true);
            }

            json.WriteEndArray();
            if (tokens is { } count)
            {
                json.WriteNumber("tokens", count);
            }
            else
            {
                json.WriteNull("tokens");
            }

            json.WriteEndObject();
            await json.FlushAsync(cancellationToken).ConfigureAwait(false);
            Console.WriteLine();
            return 0;
        }));
        return command;
    }

    /// <summary>Rejects options that mean nothing for <paramref name="provider"/>, rather than ignoring them silently.</summary>
    private static void CheckOptionsFit(ParseResult parseResult, string provider)
    {
        if (provider == EmbeddingProviders.Onnx)
        {
            if (Given(parseResult, EndpointOption))
            {
                throw new CliUsageException("--endpoint is for remote providers; --provider onnx runs the model folder given by --model.");
            }

            if (Given(parseResult, InputTypeOption))
            {
                throw new CliUsageException(
                    "--input-type is for remote providers; with --provider onnx put the model's prefix in the text (e.g. \"query: \" for E5).");
            }

            return;
        }

        foreach (Option option in (Option[])[PoolingOption, NormalizeOption, ThreadsOption])
        {
            if (Given(parseResult, option))
            {
                throw new CliUsageException($"{option.Name} applies to --provider onnx only.");
            }
        }
    }

    private static bool Given(ParseResult parseResult, Option option) => parseResult.GetResult(option) is { Implicit: false };

    /// <summary>The model folder: --model, else LLAMADB_MODEL.</summary>
    public static string ResolveModel(ParseResult parseResult) =>
        parseResult.GetValue(ModelOption)
        ?? Environment.GetEnvironmentVariable("LLAMADB_MODEL")
        ?? throw new ArgumentException("No model: pass --model <dir> or set LLAMADB_MODEL.");

    public static Task<OnnxEmbeddingGenerator> CreateGeneratorAsync(ParseResult parseResult, CancellationToken cancellationToken, Action<OnnxEmbeddingGeneratorOptions>? configure = null)
    {
        var options = new OnnxEmbeddingGeneratorOptions
        {
            Pooling = ParsePooling(parseResult.GetValue(PoolingOption) ?? "auto"),
            Normalize = (parseResult.GetValue(NormalizeOption) ?? "auto") switch
            {
                "true" => true,
                "false" => false,
                _ => null,
            },
        };
        if (parseResult.GetValue(ThreadsOption) is { } threads)
        {
            options.Session.IntraOpThreads = threads;
        }

        configure?.Invoke(options);
        return OnnxEmbeddingGenerator.CreateAsync(ResolveModel(parseResult), options, cancellationToken);
    }

    private static PoolingMode ParsePooling(string value) => value switch
    {
        "mean" => PoolingMode.Mean,
        "cls" => PoolingMode.Cls,
        "max" => PoolingMode.Max,
        "meansqrt" => PoolingMode.MeanSqrtLen,
        "last" => PoolingMode.LastToken,
        _ => PoolingMode.Auto,
    };
}
