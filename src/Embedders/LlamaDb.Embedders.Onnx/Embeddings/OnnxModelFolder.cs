using System.Text.Json;
using LlamaDb.Embedders.Onnx.Tokenization;

namespace LlamaDb.Embedders.Onnx;

/// <summary>
/// What a Hugging Face / sentence-transformers model folder says about how to run the model: the ONNX file,
/// the tokenizer, pooling (<c>1_Pooling/config.json</c>), normalization (<c>modules.json</c>), and the maximum
/// sequence length (<c>sentence_bert_config.json</c>, <c>tokenizer_config.json</c>, <c>config.json</c>).
/// </summary>
internal sealed class OnnxModelFolder
{
    public required string ModelPath { get; init; }

    public required BertTokenizer Tokenizer { get; init; }

    public required string ModelId { get; init; }

    /// <summary>Pooling from <c>1_Pooling/config.json</c>, or null when the folder has none.</summary>
    public PoolingMode? ConfiguredPooling { get; init; }

    /// <summary>Whether <c>modules.json</c> lists a Normalize module.</summary>
    public bool HasNormalizeModule { get; init; }

    public int? SentenceTransformersMaxLength { get; init; }

    public int? MaxPositionEmbeddings { get; init; }

    public int? HiddenSize { get; init; }

    public static OnnxModelFolder Load(string? directory, OnnxEmbeddingGeneratorOptions options)
    {
        string? dir = directory is null ? null : Path.GetFullPath(directory);
        if (dir is not null && !Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"The model folder '{dir}' does not exist.");
        }

        string modelPath = options.ModelBytes is not null ? "(model bytes)" : ResolveModelPath(dir, options.ModelPath);
        BertTokenizer tokenizer = LoadTokenizer(dir, options.TokenizerPath);

        PoolingMode? pooling = null;
        bool normalize = false;
        int? stMax = null, maxPositions = null, hidden = null;
        string? nameOrPath = null;
        if (dir is not null)
        {
            string poolingFolder = "1_Pooling";
            using (JsonDocument? modules = ReadJson(Path.Combine(dir, "modules.json")))
            {
                if (modules is not null && modules.RootElement.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement module in modules.RootElement.EnumerateArray())
                    {
                        string type = GetString(module, "type") ?? string.Empty;
                        if (type.EndsWith("Normalize", StringComparison.Ordinal))
                        {
                            normalize = true;
                        }
                        else if (type.EndsWith("Pooling", StringComparison.Ordinal) && GetString(module, "path") is { Length: > 0 } p)
                        {
                            poolingFolder = p;
                        }
                    }
                }
            }

            pooling = ReadPooling(Path.Combine(dir, poolingFolder, "config.json"));
            using (JsonDocument? sbert = ReadJson(Path.Combine(dir, "sentence_bert_config.json")))
            {
                stMax = sbert is null ? null : GetPositiveInt(sbert.RootElement, "max_seq_length");
            }

            using JsonDocument? config = ReadJson(Path.Combine(dir, "config.json"));
            if (config is not null)
            {
                maxPositions = GetPositiveInt(config.RootElement, "max_position_embeddings");
                hidden = GetPositiveInt(config.RootElement, "hidden_size");
                nameOrPath = GetString(config.RootElement, "_name_or_path");
            }
        }

        string modelId = options.ModelId
            ?? (dir is not null ? new DirectoryInfo(dir).Name : null)
            ?? nameOrPath
            ?? Path.GetFileNameWithoutExtension(modelPath);

        return new OnnxModelFolder
        {
            ModelPath = modelPath,
            Tokenizer = tokenizer,
            ModelId = modelId,
            ConfiguredPooling = pooling,
            HasNormalizeModule = normalize,
            SentenceTransformersMaxLength = stMax,
            MaxPositionEmbeddings = maxPositions,
            HiddenSize = hidden,
        };
    }

    /// <summary>The maximum tokens per text: the option, else sentence-transformers', else the tokenizer's, capped by the positions.</summary>
    public int ResolveMaxLength(int? fromOptions)
    {
        int max = fromOptions ?? SentenceTransformersMaxLength ?? Tokenizer.ModelMaxLength ?? MaxPositionEmbeddings ?? 512;
        if (MaxPositionEmbeddings is { } positions && max > positions)
        {
            if (fromOptions is not null)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(OnnxEmbeddingGeneratorOptions.MaxSequenceLength), fromOptions,
                    $"MaxSequenceLength exceeds the model's max_position_embeddings ({positions}).");
            }

            max = positions;
        }

        return max;
    }

    private static string ResolveModelPath(string? dir, string? explicitPath)
    {
        if (explicitPath is not null)
        {
            string full = Path.GetFullPath(explicitPath);
            return File.Exists(full) ? full : throw new FileNotFoundException($"The ONNX model file '{full}' does not exist.", full);
        }

        if (dir is null)
        {
            throw new ArgumentException("Give a model folder or OnnxEmbeddingGeneratorOptions.ModelPath.", nameof(explicitPath));
        }

        string[] candidates = [Path.Combine(dir, "model.onnx"), Path.Combine(dir, "onnx", "model.onnx")];
        foreach (string candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(
            $"No ONNX model in '{dir}': looked for {string.Join(" and ", candidates.Select(c => $"'{c}'"))}. Set OnnxEmbeddingGeneratorOptions.ModelPath for another file name.",
            candidates[0]);
    }

    private static BertTokenizer LoadTokenizer(string? dir, string? explicitPath)
    {
        if (explicitPath is null)
        {
            return dir is not null
                ? BertTokenizer.FromDirectory(dir)
                : throw new ArgumentException("Give a model folder or OnnxEmbeddingGeneratorOptions.TokenizerPath.", nameof(explicitPath));
        }

        string full = Path.GetFullPath(explicitPath);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"The tokenizer file '{full}' does not exist.", full);
        }

        return full.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? BertTokenizer.FromTokenizerJson(full)
            : BertTokenizer.FromVocabFile(full, ReadTokenizerConfig(Path.Combine(Path.GetDirectoryName(full)!, "tokenizer_config.json")));
    }

    private static BertTokenizerOptions? ReadTokenizerConfig(string path)
    {
        using JsonDocument? config = ReadJson(path);
        if (config is null)
        {
            return null;
        }

        var options = new BertTokenizerOptions();
        JsonElement root = config.RootElement;
        if (root.TryGetProperty("do_lower_case", out JsonElement lower) && lower.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            options.LowerCase = lower.GetBoolean();
        }

        if (root.TryGetProperty("strip_accents", out JsonElement strip) && strip.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            options.StripAccents = strip.GetBoolean();
        }

        if (root.TryGetProperty("tokenize_chinese_chars", out JsonElement cjk) && cjk.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            options.TokenizeChineseChars = cjk.GetBoolean();
        }

        return options;
    }

    private static PoolingMode? ReadPooling(string path)
    {
        using JsonDocument? doc = ReadJson(path);
        if (doc is null)
        {
            return null;
        }

        JsonElement root = doc.RootElement;
        var modes = new List<PoolingMode>();
        if (GetBool(root, "pooling_mode_cls_token"))
        {
            modes.Add(PoolingMode.Cls);
        }

        if (GetBool(root, "pooling_mode_mean_tokens"))
        {
            modes.Add(PoolingMode.Mean);
        }

        if (GetBool(root, "pooling_mode_max_tokens"))
        {
            modes.Add(PoolingMode.Max);
        }

        if (GetBool(root, "pooling_mode_mean_sqrt_len_tokens"))
        {
            modes.Add(PoolingMode.MeanSqrtLen);
        }

        if (GetBool(root, "pooling_mode_lasttoken"))
        {
            modes.Add(PoolingMode.LastToken);
        }

        if (GetBool(root, "pooling_mode_weightedmean_tokens"))
        {
            throw new NotSupportedException($"'{path}' asks for weighted-mean pooling, which is not supported; set OnnxEmbeddingGeneratorOptions.Pooling.");
        }

        return modes.Count switch
        {
            0 => null,
            1 => modes[0],
            _ => throw new NotSupportedException(
                $"'{path}' combines several pooling modes ({string.Join(", ", modes)}), which sentence-transformers concatenates; set OnnxEmbeddingGeneratorOptions.Pooling to one of them."),
        };
    }

    internal static JsonDocument? ReadJson(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {ex.Message}", ex);
        }
    }

    private static string? GetString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static bool GetBool(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.True;

    private static int? GetPositiveInt(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value)
        && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) && n > 0
            ? n
            : null;
}
