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
    private readonly InputBinding[] _inputs;
    private readonly int _outputIndex;
    private readonly bool _needs64;
    private readonly bool _needs32;
    private readonly bool _hasPositionIds;

    private CrossEncoderModel(OrtSession session, BertTokenizer tokenizer, string modelId, int maxSequenceLength, bool sigmoid, string? outputName)
    {
        _session = session;
        Tokenizer = tokenizer;
        ModelId = modelId;
        MaxSequenceLength = maxSequenceLength;
        Sigmoid = sigmoid;
        _inputs = BindInputs(session);
        foreach (InputBinding binding in _inputs)
        {
            _needs64 |= binding.ElementType == OnnxElementType.Int64;
            _needs32 |= binding.ElementType == OnnxElementType.Int32;
            _hasPositionIds |= binding.Role == InputRole.PositionIds;
        }

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
    public unsafe void RunBatch(TokenizedText[] pairs, int[] order, int start, int count, double[] logits, CancellationToken cancellationToken)
    {
        int seq = 0;
        for (int i = 0; i < count; i++)
        {
            seq = Math.Max(seq, pairs[order[start + i]].InputIds.Length);
        }

        int cells = count * seq;
        long[] shape = [count, seq];
        int planes = _hasPositionIds ? 4 : 3;
        long[]? ids64 = _needs64 ? ArrayPool<long>.Shared.Rent(cells * planes) : null;
        int[]? ids32 = _needs32 ? ArrayPool<int>.Shared.Rent(cells * planes) : null;
        try
        {
            // One rented block per element type holds the planes: ids, mask, token types, positions.
            int padId = Tokenizer.PadId;
            for (int i = 0; i < count; i++)
            {
                TokenizedText pair = pairs[order[start + i]];
                int n = pair.InputIds.Length;
                int row = i * seq;
                for (int t = 0; t < seq; t++)
                {
                    bool real = t < n;
                    int id = real ? pair.InputIds[t] : padId;
                    int type = real ? pair.TokenTypeIds[t] : 0;
                    int mask = real ? 1 : 0;
                    if (ids64 is not null)
                    {
                        ids64[row + t] = id;
                        ids64[cells + row + t] = mask;
                        ids64[(2 * cells) + row + t] = type;
                        if (planes == 4)
                        {
                            ids64[(3 * cells) + row + t] = t;
                        }
                    }

                    if (ids32 is not null)
                    {
                        ids32[row + t] = id;
                        ids32[cells + row + t] = mask;
                        ids32[(2 * cells) + row + t] = type;
                        if (planes == 4)
                        {
                            ids32[(3 * cells) + row + t] = t;
                        }
                    }
                }
            }

            var inputs = new OrtInput[_inputs.Length];
            fixed (long* p64 = ids64)
            fixed (int* p32 = ids32)
            {
                for (int k = 0; k < _inputs.Length; k++)
                {
                    InputBinding binding = _inputs[k];
                    bool is64 = binding.ElementType == OnnxElementType.Int64;
                    int plane = (int)binding.Role;
                    IntPtr data = is64 ? (IntPtr)(p64 + (plane * cells)) : (IntPtr)(p32 + (plane * cells));
                    inputs[k] = new OrtInput(binding.Index, binding.ElementType, data, (long)cells * (is64 ? 8 : 4), shape);
                }

                using OrtOutput output = _session.Run(inputs, _outputIndex, cancellationToken);
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
        }
        finally
        {
            if (ids64 is not null)
            {
                ArrayPool<long>.Shared.Return(ids64);
            }

            if (ids32 is not null)
            {
                ArrayPool<int>.Shared.Return(ids32);
            }
        }
    }

    public void Dispose() => _session.Dispose();

    private enum InputRole
    {
        // The values are the plane indices in RunBatch's rented buffers.
        InputIds = 0,
        AttentionMask = 1,
        TokenTypeIds = 2,
        PositionIds = 3,
    }

    private readonly record struct InputBinding(int Index, InputRole Role, OnnxElementType ElementType);

    private static InputBinding[] BindInputs(OrtSession session)
    {
        var bindings = new InputBinding[session.Inputs.Count];
        bool hasIds = false;
        for (int i = 0; i < bindings.Length; i++)
        {
            OnnxTensorInfo input = session.Inputs[i];
            InputRole? role = input.Name switch
            {
                "input_ids" or "input" or "ids" => InputRole.InputIds,
                "attention_mask" or "mask" or "input_mask" => InputRole.AttentionMask,
                "token_type_ids" or "segment_ids" => InputRole.TokenTypeIds,
                "position_ids" => InputRole.PositionIds,
                _ => null,
            };
            if (role is null || input.ElementType is not (OnnxElementType.Int64 or OnnxElementType.Int32) || input.Shape.Count != 2)
            {
                throw new NotSupportedException(
                    $"The model input '{input}' is not one this reranker can feed. It feeds 2-D int64 or int32 inputs named input_ids, attention_mask, token_type_ids and position_ids. The model's inputs: {string.Join("; ", session.Inputs)}.");
            }

            hasIds |= role == InputRole.InputIds;
            bindings[i] = new InputBinding(i, role.Value, input.ElementType);
        }

        if (!hasIds)
        {
            throw new NotSupportedException($"The model has no input_ids input. Its inputs: {string.Join("; ", session.Inputs)}.");
        }

        return bindings;
    }

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
