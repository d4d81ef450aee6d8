using System.Buffers;
using System.Numerics.Tensors;
using LlamaDb.Embedders.Onnx.Runtime;
using LlamaDb.Embedders.Onnx.Tokenization;

namespace LlamaDb.Embedders.Onnx;

/// <summary>
/// A loaded embedding model: the ONNX session, how its inputs are fed, which output is read and how it is pooled.
/// Thread-safe: every call works on its own buffers.
/// </summary>
internal sealed class OnnxEmbeddingModel : IDisposable
{
    private static readonly string[] s_tokenOutputNames = ["last_hidden_state", "token_embeddings", "hidden_states", "output_0"];
    private static readonly string[] s_pooledOutputNames = ["sentence_embedding", "sentence_embeddings", "embeddings", "embedding", "text_embeds", "pooled_output"];

    private readonly OrtSession _session;
    private readonly BertInputFeeder _feeder;
    private readonly int _outputIndex;

    private OnnxEmbeddingModel(OrtSession session, OnnxModelFolder folder, OnnxEmbeddingGeneratorOptions options)
    {
        _session = session;
        Folder = folder;
        Tokenizer = folder.Tokenizer;
        ModelId = folder.ModelId;
        MaxSequenceLength = folder.ResolveMaxLength(options.MaxSequenceLength);
        _feeder = new BertInputFeeder(session, "embedder");
        (_outputIndex, OutputIsPooled, Pooling) = ChooseOutput(session, folder, options);
        Normalize = options.Normalize ?? folder.HasNormalizeModule;

        IReadOnlyList<long> shape = session.Outputs[_outputIndex].Shape;
        long last = shape[^1];
        Dimensions = last > 0 ? (int)last : folder.HiddenSize ?? 0;
    }

    public OnnxModelFolder Folder { get; }

    public BertTokenizer Tokenizer { get; }

    public string ModelId { get; }

    public int MaxSequenceLength { get; }

    /// <summary>The pooling actually applied; <see cref="PoolingMode.Auto"/> when the model's output is already pooled.</summary>
    public PoolingMode Pooling { get; }

    public bool OutputIsPooled { get; }

    public bool Normalize { get; }

    /// <summary>Embedding width; 0 until the first run when the model does not declare it.</summary>
    public int Dimensions { get; private set; }

    public IReadOnlyList<OnnxTensorInfo> Inputs => _session.Inputs;

    public IReadOnlyList<OnnxTensorInfo> Outputs => _session.Outputs;

    public string OutputName => _session.Outputs[_outputIndex].Name;

    public static OnnxEmbeddingModel Load(string? directory, OnnxEmbeddingGeneratorOptions options)
    {
        options.Validate();
        OnnxModelFolder folder = OnnxModelFolder.Load(directory, options);
        OrtSession session;
        try
        {
            session = options.ModelBytes is { } bytes
                ? OrtSession.FromBytes(bytes, options.Session)
                : OrtSession.FromFile(folder.ModelPath, options.Session);
        }
        catch (OnnxRuntimeException ex) when (ex.ErrorCode is OrtErrorCode.InvalidProtobuf or OrtErrorCode.NoModel or OrtErrorCode.InvalidGraph or OrtErrorCode.Fail)
        {
            throw new InvalidDataException($"The ONNX model file '{folder.ModelPath}' could not be loaded: {ex.RuntimeMessage ?? ex.Message}", ex);
        }

        try
        {
            return new OnnxEmbeddingModel(session, folder, options);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs one batch: <paramref name="order"/>[<paramref name="start"/>..+<paramref name="count"/>] index into
    /// <paramref name="texts"/>; each pooled (not yet normalized) vector is written to <paramref name="results"/> at its index.
    /// </summary>
    public void RunBatch(TokenizedText[] texts, int[] order, int start, int count, float[][] results, CancellationToken cancellationToken)
    {
        using OrtOutput output = _feeder.Run(_session, texts, order, start, count, Tokenizer.PadId, _outputIndex, out int seq, cancellationToken);
        ReadOutput(output, texts, order, start, count, seq, results);
    }

    private void ReadOutput(OrtOutput output, TokenizedText[] texts, int[] order, int start, int count, int seq, float[][] results)
    {
        long[] shape = output.Shape;
        ReadOnlySpan<float> data = output.GetFloats();
        if (OutputIsPooled)
        {
            if (shape.Length != 2 || shape[0] != count)
            {
                throw new InvalidDataException($"Output '{OutputName}' has shape [{string.Join(", ", shape)}]; expected [{count}, hidden].");
            }

            int hidden = (int)shape[1];
            Dimensions = hidden;
            for (int i = 0; i < count; i++)
            {
                results[order[start + i]] = data.Slice(i * hidden, hidden).ToArray();
            }

            return;
        }

        if (shape.Length != 3 || shape[0] != count || shape[1] != seq)
        {
            throw new InvalidDataException($"Output '{OutputName}' has shape [{string.Join(", ", shape)}]; expected [{count}, {seq}, hidden].");
        }

        int h = (int)shape[2];
        Dimensions = h;
        for (int i = 0; i < count; i++)
        {
            int length = texts[order[start + i]].InputIds.Length;
            ReadOnlySpan<float> tokens = data.Slice(i * seq * h, length * h);
            var vector = new float[h];
            Pool(Pooling, tokens, length, h, vector);
            results[order[start + i]] = vector;
        }
    }

    /// <summary>Pools <paramref name="length"/> real token rows of width <paramref name="hidden"/> into <paramref name="destination"/>.</summary>
    internal static void Pool(PoolingMode mode, ReadOnlySpan<float> tokens, int length, int hidden, Span<float> destination)
    {
        switch (mode)
        {
            case PoolingMode.Cls:
                tokens[..hidden].CopyTo(destination);
                break;
            case PoolingMode.LastToken:
                tokens.Slice((length - 1) * hidden, hidden).CopyTo(destination);
                break;
            case PoolingMode.Max:
                tokens[..hidden].CopyTo(destination);
                for (int t = 1; t < length; t++)
                {
                    TensorPrimitives.Max(destination, tokens.Slice(t * hidden, hidden), destination);
                }

                break;
            default:
                tokens[..hidden].CopyTo(destination);
                for (int t = 1; t < length; t++)
                {
                    TensorPrimitives.Add(destination, tokens.Slice(t * hidden, hidden), destination);
                }

                float divisor = mode == PoolingMode.MeanSqrtLen ? MathF.Sqrt(length) : length;
                TensorPrimitives.Divide(destination, divisor, destination);
                break;
        }
    }

    /// <summary>Scales <paramref name="vector"/> to unit L2 length (a zero vector stays zero).</summary>
    internal static void NormalizeL2(Span<float> vector)
    {
        float norm = TensorPrimitives.Norm(vector);
        if (norm > 0f)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }
    }

    public void Dispose() => _session.Dispose();

    private static (int Index, bool Pooled, PoolingMode Pooling) ChooseOutput(OrtSession session, OnnxModelFolder folder, OnnxEmbeddingGeneratorOptions options)
    {
        IReadOnlyList<OnnxTensorInfo> outputs = session.Outputs;
        string found = string.Join("; ", outputs);
        PoolingMode requested = options.Pooling;

        if (options.OutputName is { } name)
        {
            int index = IndexOf(outputs, name);
            if (index < 0)
            {
                throw new NotSupportedException($"The model has no output named '{name}'. Its outputs: {found}.");
            }

            return Classify(outputs[index], index, requested, folder, found);
        }

        int tokenIndex = FindOutput(outputs, s_tokenOutputNames, rank: 3);
        int pooledIndex = FindOutput(outputs, s_pooledOutputNames, rank: 2);

        // Auto: a pooling config means "pool the token embeddings"; without one, the model's pooled output wins.
        if (requested == PoolingMode.Auto && folder.ConfiguredPooling is null && pooledIndex >= 0)
        {
            return (pooledIndex, true, PoolingMode.Auto);
        }

        if (tokenIndex >= 0)
        {
            return (tokenIndex, false, requested != PoolingMode.Auto ? requested : folder.ConfiguredPooling ?? PoolingMode.Mean);
        }

        if (pooledIndex >= 0 && requested == PoolingMode.Auto)
        {
            return (pooledIndex, true, PoolingMode.Auto);
        }

        throw new NotSupportedException(
            requested == PoolingMode.Auto
                ? $"None of the model's outputs can be pooled into an embedding: a float [batch, sequence, hidden] or [batch, hidden] output is needed. Its outputs: {found}."
                : $"Pooling {requested} needs a float [batch, sequence, hidden] output, and the model has none. Its outputs: {found}.");
    }

    private static (int Index, bool Pooled, PoolingMode Pooling) Classify(OnnxTensorInfo output, int index, PoolingMode requested, OnnxModelFolder folder, string found)
    {
        if (output.ElementType == OnnxElementType.Float && output.Shape.Count == 3)
        {
            return (index, false, requested != PoolingMode.Auto ? requested : folder.ConfiguredPooling ?? PoolingMode.Mean);
        }

        if (output.ElementType == OnnxElementType.Float && output.Shape.Count == 2 && requested == PoolingMode.Auto)
        {
            return (index, true, PoolingMode.Auto);
        }

        throw new NotSupportedException($"The output '{output}' cannot be pooled with {requested}. The model's outputs: {found}.");
    }

    private static int IndexOf(IReadOnlyList<OnnxTensorInfo> outputs, string name)
    {
        for (int i = 0; i < outputs.Count; i++)
        {
            if (outputs[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static int FindOutput(IReadOnlyList<OnnxTensorInfo> outputs, string[] preferredNames, int rank)
    {
        foreach (string name in preferredNames)
        {
            int index = IndexOf(outputs, name);
            if (index >= 0 && outputs[index].ElementType == OnnxElementType.Float && outputs[index].Shape.Count == rank)
            {
                return index;
            }
        }

        for (int i = 0; i < outputs.Count; i++)
        {
            if (outputs[i].ElementType == OnnxElementType.Float && outputs[i].Shape.Count == rank)
            {
                return i;
            }
        }

        return -1;
    }
}
