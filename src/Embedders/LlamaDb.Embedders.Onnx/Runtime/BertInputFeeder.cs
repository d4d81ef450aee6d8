using System.Buffers;
using LlamaDb.Embedders.Onnx.Tokenization;

namespace LlamaDb.Embedders.Onnx.Runtime;

/// <summary>
/// Feeds a BERT-shaped session: binds its inputs by name (input_ids, attention_mask, token_type_ids, position_ids; 2-D
/// int64 or int32) and runs padded batches of tokenized texts. Shared by the embedding model and the cross-encoder.
/// Thread-safe: every run works on its own rented buffers.
/// </summary>
internal sealed class BertInputFeeder
{
    private readonly InputBinding[] _inputs;
    private readonly bool _needs64;
    private readonly bool _needs32;
    private readonly bool _hasPositionIds;

    /// <summary>Binds the inputs of <paramref name="session"/>; <paramref name="consumer"/> ("embedder", "reranker") names the caller in errors.</summary>
    /// <exception cref="NotSupportedException">An input is not one of the four, not 2-D integer, or input_ids is missing.</exception>
    public BertInputFeeder(OrtSession session, string consumer)
    {
        _inputs = BindInputs(session, consumer);
        foreach (InputBinding binding in _inputs)
        {
            _needs64 |= binding.ElementType == OnnxElementType.Int64;
            _needs32 |= binding.ElementType == OnnxElementType.Int32;
            _hasPositionIds |= binding.Role == InputRole.PositionIds;
        }
    }

    private enum InputRole
    {
        // The values are the plane indices in Run's rented buffers.
        InputIds = 0,
        AttentionMask = 1,
        TokenTypeIds = 2,
        PositionIds = 3,
    }

    /// <summary>
    /// Runs one batch: <paramref name="order"/>[<paramref name="start"/>..+<paramref name="count"/>] index into
    /// <paramref name="texts"/>, padded with <paramref name="padId"/> to the longest of them (<paramref name="seq"/> is
    /// set to that length). Returns output <paramref name="outputIndex"/>; the caller disposes it.
    /// </summary>
    public unsafe OrtOutput Run(OrtSession session, TokenizedText[] texts, int[] order, int start, int count, int padId, int outputIndex, out int seq, CancellationToken cancellationToken)
    {
        seq = 0;
        for (int i = 0; i < count; i++)
        {
            seq = Math.Max(seq, texts[order[start + i]].InputIds.Length);
        }

        int cells = count * seq;
        long[] shape = [count, seq];
        int planes = _hasPositionIds ? 4 : 3;
        long[]? ids64 = _needs64 ? ArrayPool<long>.Shared.Rent(cells * planes) : null;
        int[]? ids32 = _needs32 ? ArrayPool<int>.Shared.Rent(cells * planes) : null;
        try
        {
            // One rented block per element type holds the planes: ids, mask, token types, positions.
            for (int i = 0; i < count; i++)
            {
                TokenizedText text = texts[order[start + i]];
                int n = text.InputIds.Length;
                int row = i * seq;
                for (int t = 0; t < seq; t++)
                {
                    bool real = t < n;
                    int id = real ? text.InputIds[t] : padId;
                    int type = real && text.TokenTypeIds.Length > t ? text.TokenTypeIds[t] : 0;
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

                // Run is synchronous and its output owns its own memory, so the input buffers can go back afterwards.
                return session.Run(inputs, outputIndex, cancellationToken);
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

    private static InputBinding[] BindInputs(OrtSession session, string consumer)
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
                    $"The model input '{input}' is not one this {consumer} can feed. It feeds 2-D int64 or int32 inputs named input_ids, attention_mask, token_type_ids and position_ids. The model's inputs: {string.Join("; ", session.Inputs)}.");
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

    private readonly record struct InputBinding(int Index, InputRole Role, OnnxElementType ElementType);
}
