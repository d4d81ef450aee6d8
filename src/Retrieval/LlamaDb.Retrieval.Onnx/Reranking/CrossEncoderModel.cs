using System.Buffers;
using System.Text.Json;
using LlamaDb.Embedders.Onnx;
using LlamaDb.Embedders.Onnx.Runtime;
using LlamaDb.Embedders.Onnx.Tokenization;

namespace LlamaDb.Retrieval.Onnx;

/// <summary>
/// A loaded cross-encoder: the ONNX session, how its inputs are fed and which output holds the logits.
/// Thread-safe: every call works on its own buffers.
/// </summary>
internal sealed class CrossEncoderModel : IDisposable
{
    private readonly OrtSession _session;
    private readonly BertInputFeeder _feeder;
    private readonly int _outputIndex;

    private CrossEncoderModel(OrtSession session, BertTokenizer tokenizer, string modelId, int maxSequenceLength, bool sigmoid, string? outputName)
    {
        _session = session;
        Tokenizer = tokenizer;
        ModelId = modelId;
        MaxSequenceLength = maxSequenceLength;
        Sigmoid = sigmoid;
        _feeder = new BertInputFeeder(session, "reranker");
        _outputIndex = ChooseOutput(session, outputName);
    }

    public BertTokenizer Tokenizer { get; }

    public string ModelId { get; }

    public int MaxSequenceLength { get; }

    /// <summary>Whether scores are the sigmoid of the logits (else the raw logits).</summary>
    public bool Sigmoid { get; }

    public string OutputName => _session.Outputs[_outputIndex].Name;

    public static CrossEncoderModel Load(CrossEncoderRerankerOptions options)
    {
        options.Validate();

        // The model-folder loader of the embedder finds the ONNX file and the tokenizer the same way for a cross-encoder.
        var folderOptions = new OnnxEmbeddingGeneratorOptions
        {
            ModelPath = options.ModelPath,
            TokenizerPath = options.TokenizerPath,
            ModelId = options.ModelId,
        };
        OnnxModelFolder folder = OnnxModelFolder.Load(options.ModelDirectory, folderOptions);
        int maxLength = ResolveMaxLength(folder, options.MaxSequenceLength);
        bool sigmoid = options.Score switch
        {
            CrossEncoderScore.Sigmoid => true,
            CrossEncoderScore.Logit => false,
            _ => ConfigSaysSigmoid(options.ModelDirectory),
        };

        OrtSession session;
        try
        {
            session = OrtSession.FromFile(folder.ModelPath, options.Session);
        }
        catch (OnnxRuntimeException ex) when (ex.ErrorCode is OrtErrorCode.InvalidProtobuf or OrtErrorCode.NoModel or OrtErrorCode.InvalidGraph or OrtErrorCode.Fail)
        {
            throw new InvalidDataException($"The ONNX model file '{folder.ModelPath}' could not be loaded: {ex.RuntimeMessage ?? ex.Message}", ex);
        }

        try
        {
            return new CrossEncoderModel(session, folder.Tokenizer, folder.ModelId, maxLength, sigmoid, options.OutputName);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The most tokens per pair: the option, else the tokenizer's <c>model_max_length</c>, else the positions, capped by the positions.</summary>
    internal static int ResolveMaxLength(OnnxModelFolder folder, int? fromOptions)
    {
        int max = fromOptions ?? folder.Tokenizer.ModelMaxLength ?? folder.MaxPositionEmbeddings ?? 512;
        if (folder.MaxPositionEmbeddings is { } positions && max > positions)
        {
            if (fromOptions is not null)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(CrossEncoderRerankerOptions.MaxSequenceLength), fromOptions,
                    $"MaxSequenceLength exceeds the model's max_position_embeddings ({positions}).");
            }

            max = positions;
        }

        return max;
    }

    private static bool ConfigSaysSigmoid(string? directory)
    {
        if (directory is null)
        {
            return false;
        }

        using JsonDocument? config = OnnxModelFolder.ReadJson(Path.Combine(Path.GetFullPath(directory), "config.json"));
        return config is not null
            && config.RootElement.ValueKind == JsonValueKind.Object
            && config.RootElement.TryGetProperty("sbert_ce_default_activation_function", out JsonElement activation)
            && activation.ValueKind == JsonValueKind.String
            && activation.GetString()!.EndsWith("Sigmoid", StringComparison.Ordinal); // ValueKind is String, so not null
    }

    /// <summary>
    /// Runs one batch: <paramref name="order"/>[<paramref name="start"/>..+<paramref name="count"/>] index into
    /// <paramref name="pairs"/>; each pair's logit is written to <paramref name="logits"/> at its index.
    /// </summary>
    public void RunBatch(TokenizedText[] pairs, int[] order, int start, int count, double[] logits, CancellationToken cancellationToken)
    {
        using OrtOutput output = _feeder.Run(_session, pairs, order, start, count, Tokenizer.PadId, _outputIndex, out _, cancellationToken);
        long[] outShape = output.Shape;
        bool fits = (outShape.Length == 1 && outShape[0] == count) || (outShape.Length == 2 && outShape[0] == count && outShape[1] == 1);
        if (!fits)
        {
            throw new InvalidDataException($"Output '{OutputName}' has shape [{string.Join(", ", outShape)}]; expected [{count}, 1] or [{count}] (one relevance logit per pair).");
        }

        ReadOnlySpan<float> values = output.GetFloats();
        for (int i = 0; i < count; i++)
        {
            logits[order[start + i]] = values[i];
        }
    }

    public void Dispose() => _session.Dispose();

    private static int ChooseOutput(OrtSession session, string? name)
    {
        IReadOnlyList<OnnxTensorInfo> outputs = session.Outputs;
        string found = string.Join("; ", outputs);
        if (name is not null)
        {
            for (int i = 0; i < outputs.Count; i++)
            {
                if (outputs[i].Name == name)
                {
                    return IsLogits(outputs[i])
                        ? i
                        : throw new NotSupportedException($"The output '{outputs[i]}' is not a float [batch, 1] or [batch] tensor of logits.");
                }
            }

            throw new NotSupportedException($"The model has no output named '{name}'. Its outputs: {found}.");
        }

        for (int i = 0; i < outputs.Count; i++)
        {
            if (outputs[i].Name == "logits" && IsLogits(outputs[i]))
            {
                return i;
            }
        }

        for (int i = 0; i < outputs.Count; i++)
        {
            if (IsLogits(outputs[i]))
            {
                return i;
            }
        }

        throw new NotSupportedException($"None of the model's outputs is a float [batch, 1] or [batch] tensor of relevance logits. Its outputs: {found}.");
    }

    private static bool IsLogits(OnnxTensorInfo output) =>
        output.ElementType == OnnxElementType.Float
        && (output.Shape.Count == 1 || (output.Shape.Count == 2 && output.Shape[1] is 1 or -1));
}
