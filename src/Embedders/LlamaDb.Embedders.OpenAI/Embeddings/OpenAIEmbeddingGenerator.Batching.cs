using System.Text;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Embedders.OpenAI;

/// <summary>Input checks, token estimates, truncation and the split of a call into requests.</summary>
public sealed partial class OpenAIEmbeddingGenerator
{
    /// <summary>Estimated tokens of a text: ceil(UTF-8 bytes / <see cref="OpenAIEmbeddingOptions.EstimatedBytesPerToken"/>), at least 1.</summary>
    internal long EstimateTokens(int utf8Bytes) => Math.Max(1, (long)Math.Ceiling(utf8Bytes / _settings.EstimatedBytesPerToken));

    /// <summary>Checks and (per option) truncates <paramref name="inputs"/> in place, then groups them into consecutive batches within the limits.</summary>
    internal List<InputBatch> PlanBatches(string[] inputs)
    {
        var batches = new List<InputBatch>();
        int maxInputBytes = (int)Math.Min(int.MaxValue, Math.Floor(_settings.MaxTokensPerInput * _settings.EstimatedBytesPerToken));
        bool trace = _logger.IsEnabled(LogLevel.Trace);
        int start = 0;
        int count = 0;
        long tokens = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            string? text = inputs[i];
            if (text is null)
            {
                throw new ArgumentException($"Input {i} is null.", "values");
            }

            if (text.Length == 0)
            {
                throw new ArgumentException($"Input {i} is empty; OpenAI rejects empty strings.", "values");
            }

            int bytes = Encoding.UTF8.GetByteCount(text);
            long estimate = EstimateTokens(bytes);
            if (estimate > _settings.MaxTokensPerInput)
            {
                if (_settings.OversizedInput != OversizedInputBehavior.Truncate)
                {
                    throw new ArgumentException(
                        $"Input {i} is about {estimate} tokens ({bytes} UTF-8 bytes at {_settings.EstimatedBytesPerToken} bytes per token), over the limit of " +
                        $"{_settings.MaxTokensPerInput} tokens per input (MaxTokensPerInput); shorten it or set OversizedInput to Truncate.",
                        "values");
                }

                text = TruncateUtf8(text, maxInputBytes);
                int truncatedBytes = Encoding.UTF8.GetByteCount(text);
                OpenAIEmbeddingLog.Truncated(_logger, _provider, i, bytes, truncatedBytes);
                inputs[i] = text;
                estimate = EstimateTokens(truncatedBytes);
            }

            if (trace)
            {
                OpenAIEmbeddingLog.InputText(_logger, _provider, i, text);
            }

            if (count > 0 && (count == _settings.MaxBatchSize || tokens + estimate > _settings.MaxTokensPerRequest))
            {
                batches.Add(new InputBatch(start, count, tokens));
                start = i;
                count = 0;
                tokens = 0;
            }

            count++;
            tokens += estimate;
        }

        if (count > 0)
        {
            batches.Add(new InputBatch(start, count, tokens));
        }

        return batches;
    }

    /// <summary>The longest prefix of <paramref name="text"/> within <paramref name="maxBytes"/> UTF-8 bytes, never splitting a character; at least one character.</summary>
    internal static string TruncateUtf8(string text, int maxBytes)
    {
        int bytes = 0;
        int chars = 0;
        foreach (Rune rune in text.EnumerateRunes())
        {
            int length = rune.Utf8SequenceLength;
            if (bytes + length > maxBytes && chars > 0)
            {
                break;
            }

            bytes += length;
            chars += rune.Utf16SequenceLength;
        }

        return chars == text.Length ? text : text[..chars];
    }
}
