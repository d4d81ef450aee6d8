using System.CommandLine;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text.Json;
using LlamaDb.Embedders.Onnx;
using Microsoft.Extensions.AI;

namespace LlamaDb.Cli.Commands;

/// <summary><c>llamadb embed</c>: embeddings as JSON, or the cosine similarity of two texts.</summary>
internal static class EmbedCommand
{
    public static readonly Option<string> ModelOption = new("--model", "-m")
    {
        Description = "Model folder (Hugging Face / sentence-transformers layout). Defaults to LLAMADB_MODEL.",
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

    public static Command Create()
    {
        PoolingOption.AcceptOnlyFromAmong("mean", "cls", "max", "meansqrt", "last", "auto");
        NormalizeOption.AcceptOnlyFromAmong("auto", "true", "false");
        var dimensions = new Option<int?>("--dimensions") { Description = "Keep the first N dimensions (Matryoshka) and re-normalize." };
        var compare = new Option<string[]>("--compare")
        {
            Description = "Print the cosine similarity of two texts.",
            Arity = new ArgumentArity(2, 2),
            AllowMultipleArgumentsPerToken = true,
        };
        var texts = new Argument<string[]>("text") { Description = "Texts to embed.", Arity = ArgumentArity.ZeroOrMore };

        var command = new Command("embed", "Embed texts with a local ONNX model and print JSON.")
        {
            ModelOption, PoolingOption, NormalizeOption, dimensions, ThreadsOption, compare, texts,
        };
        command.SetAction((parseResult, cancellationToken) => CliErrors.RunAsync(parseResult, async () =>
        {
            string[]? pair = parseResult.GetValue(compare) is { Length: 2 } both ? both : null;
            string[] inputs = pair ?? parseResult.GetValue(texts) ?? [];
            if (inputs.Length == 0)
            {
                throw new ArgumentException("Give at least one text to embed, or --compare <a> <b>.");
            }

            using OnnxEmbeddingGenerator generator = await CreateGeneratorAsync(parseResult, cancellationToken).ConfigureAwait(false);
            var options = new EmbeddingGenerationOptions { Dimensions = parseResult.GetValue(dimensions) };
            GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(inputs, options, cancellationToken).ConfigureAwait(false);

            if (pair is not null)
            {
                float similarity = TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[1].Vector.Span);
                Console.WriteLine(similarity.ToString("R", CultureInfo.InvariantCulture));
                return 0;
            }

            using Stream stdout = Console.OpenStandardOutput();
            await using var json = new Utf8JsonWriter(stdout);
            json.WriteStartObject();
            json.WriteString("model", generator.ModelId);
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
            json.WriteNumber("tokens", embeddings.Usage?.InputTokenCount ?? 0);
            json.WriteEndObject();
            await json.FlushAsync(cancellationToken).ConfigureAwait(false);
            Console.WriteLine();
            return 0;
        }));
        return command;
    }

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
