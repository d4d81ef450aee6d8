using System.Text.Json;

namespace LlamaDb.Embedders.Onnx.Tokenization;

// Loading from vocab.txt, tokenizer.json and Hugging Face model folders.
public sealed partial class BertTokenizer
{
    /// <summary>Values of <c>model_max_length</c> above this are placeholders for "unbounded" and are ignored.</summary>
    private const long MaxSaneModelMaxLength = 1 << 20;

    /// <summary>Loads a tokenizer from a WordPiece <c>vocab.txt</c> (one token per line, id = line number).</summary>
    /// <param name="vocabTxtPath">The path of <c>vocab.txt</c>.</param>
    /// <param name="options">The settings; defaults to <c>bert-base-uncased</c>'s (lowercase, strip accents).</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="InvalidDataException">A special token of <paramref name="options"/> is missing from the vocabulary.</exception>
    public static BertTokenizer FromVocabFile(string vocabTxtPath, BertTokenizerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(vocabTxtPath);
        options ??= new BertTokenizerOptions();
        options.Validate();
        return new BertTokenizer(ReadVocabFile(vocabTxtPath, options.ContinuingSubwordPrefix, addedTokens: null), options);
    }

    /// <summary>
    /// Loads a tokenizer from a Hugging Face <c>tokenizer.json</c> with a <c>WordPiece</c> model. The file supplies the
    /// vocabulary and its <c>added_tokens</c>; those marked <c>special</c> are matched literally in input text.
    /// </summary>
    /// <param name="tokenizerJsonPath">The path of <c>tokenizer.json</c>.</param>
    /// <param name="options">
    /// The settings. When <see langword="null"/> they are read from the file: the <c>BertNormalizer</c> flags, the
    /// WordPiece unknown token, prefix and word limit, and the <c>[CLS]</c>/<c>[SEP]</c> of the post-processor. The
    /// file's <c>truncation</c> and <c>padding</c> sections are ignored (they are often stale, e.g. 128 in
    /// all-MiniLM-L6-v2); pass a maximum length to <see cref="Encode"/> instead.
    /// </param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="InvalidDataException">The file is not a WordPiece <c>tokenizer.json</c>.</exception>
    public static BertTokenizer FromTokenizerJson(string tokenizerJsonPath, BertTokenizerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenizerJsonPath);
        TokenizerJson file = TokenizerJson.Read(tokenizerJsonPath);
        if (options is null)
        {
            options = new BertTokenizerOptions();
            file.ApplyTo(options);
        }
        else
        {
            options = options.Clone();
        }

        options.Validate();
        file.AddSpecialTokensTo(options);
        return new BertTokenizer(file.BuildVocabulary(options.ContinuingSubwordPrefix), options);
    }

    /// <summary>
    /// Loads the tokenizer of a Hugging Face model folder: the vocabulary from <c>vocab.txt</c> when present, else from
    /// <c>tokenizer.json</c>; the flags and token names from <c>tokenizer_config.json</c> (<c>do_lower_case</c>,
    /// <c>strip_accents</c>, <c>tokenize_chinese_chars</c>, <c>*_token</c>, <c>additional_special_tokens</c>,
    /// <c>model_max_length</c>) where it has them, else from <c>tokenizer.json</c>'s normalizer and model; then token names from
    /// <c>special_tokens_map.json</c>, which wins as it does in <c>transformers</c>.
    /// </summary>
    /// <param name="directory">The model folder.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="FileNotFoundException">The folder has neither <c>vocab.txt</c> nor <c>tokenizer.json</c>.</exception>
    public static BertTokenizer FromDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The model folder '{directory}' does not exist.");
        }

        string vocabPath = Path.Combine(directory, "vocab.txt");
        string tokenizerJsonPath = Path.Combine(directory, "tokenizer.json");
        string configPath = Path.Combine(directory, "tokenizer_config.json");
        string specialTokensMapPath = Path.Combine(directory, "special_tokens_map.json");
        string addedTokensPath = Path.Combine(directory, "added_tokens.json");

        bool hasVocab = File.Exists(vocabPath);
        bool hasTokenizerJson = File.Exists(tokenizerJsonPath);
        if (!hasVocab && !hasTokenizerJson)
        {
            throw new FileNotFoundException(
                $"The model folder '{directory}' has neither vocab.txt nor tokenizer.json.", vocabPath);
        }

        var options = new BertTokenizerOptions();
        TokenizerJson? tokenizerJson = hasTokenizerJson ? TokenizerJson.Read(tokenizerJsonPath) : null;
        int? modelMaxLength = null;
        var addedTokens = new List<KeyValuePair<string, int>>();
        // tokenizer.json first, then every key tokenizer_config.json has overrides it (as transformers' fast BERT
        // tokenizer rebuilds its normalizer when the config's flags differ).
        tokenizerJson?.ApplyTo(options);
        if (File.Exists(configPath))
        {
            using JsonDocument config = ReadJson(configPath);
            modelMaxLength = ApplyTokenizerConfig(config.RootElement, options, addedTokens);
        }

        if (File.Exists(specialTokensMapPath))
        {
            using JsonDocument map = ReadJson(specialTokensMapPath);
            ApplySpecialTokenNames(map.RootElement, options);
        }

        options.Validate();
        WordPieceVocabulary vocabulary;
        if (hasVocab)
        {
            if (File.Exists(addedTokensPath))
            {
                using JsonDocument added = ReadJson(addedTokensPath);
                foreach (JsonProperty property in added.RootElement.EnumerateObject())
                {
                    addedTokens.Add(new KeyValuePair<string, int>(property.Name, property.Value.GetInt32()));
                }
            }

            vocabulary = ReadVocabFile(vocabPath, options.ContinuingSubwordPrefix, addedTokens);
        }
        else
        {
            // Not null: hasVocab is false, so tokenizer.json exists and was read above.
            tokenizerJson!.AddSpecialTokensTo(options);
            vocabulary = tokenizerJson.BuildVocabulary(options.ContinuingSubwordPrefix, addedTokens);
        }

        return new BertTokenizer(vocabulary, options, modelMaxLength);
    }

    private static WordPieceVocabulary ReadVocabFile(string path, string prefix,
        IEnumerable<KeyValuePair<string, int>>? addedTokens)
    {
        return WordPieceVocabulary.FromLines(File.ReadAllLines(path), prefix, addedTokens);
    }

    internal static JsonDocument ReadJson(string path)
    {
        using FileStream stream = File.OpenRead(path);
        try
        {
            return JsonDocument.Parse(stream, new JsonDocumentOptions
            {
                AllowTrailingCommas = true,
                CommentHandling = JsonCommentHandling.Skip,
            });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>Applies <c>tokenizer_config.json</c>; returns a sane <c>model_max_length</c> or null.</summary>
    private static int? ApplyTokenizerConfig(JsonElement config, BertTokenizerOptions options,
        List<KeyValuePair<string, int>> addedTokens)
    {
        if (config.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (TryGetBool(config, "do_lower_case", out bool lower))
        {
            options.LowerCase = lower;
        }

        if (config.TryGetProperty("strip_accents", out JsonElement strip))
        {
            options.StripAccents = strip.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => null,
            };
        }

        if (TryGetBool(config, "tokenize_chinese_chars", out bool chinese))
        {
            options.TokenizeChineseChars = chinese;
        }

        ApplySpecialTokenNames(config, options);

        if (config.TryGetProperty("added_tokens_decoder", out JsonElement decoder) && decoder.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty entry in decoder.EnumerateObject())
            {
                if (int.TryParse(entry.Name, out int id) && TryGetTokenContent(entry.Value, out string? content))
                {
                    addedTokens.Add(new KeyValuePair<string, int>(content, id));
                    if (TryGetBool(entry.Value, "special", out bool special) && special)
                    {
                        AddDistinct(options.AdditionalSpecialTokens, content);
                    }
                }
            }
        }

        if (config.TryGetProperty("model_max_length", out JsonElement maxLength)
            && maxLength.ValueKind == JsonValueKind.Number
            && maxLength.TryGetInt64(out long value)
            && value is > 0 and <= MaxSaneModelMaxLength)
        {
            return (int)value;
        }

        return null;
    }

    /// <summary>Applies <c>unk_token</c>, <c>cls_token</c>, ... and <c>additional_special_tokens</c> (string or AddedToken object).</summary>
    private static void ApplySpecialTokenNames(JsonElement root, BertTokenizerOptions options)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (TryGetTokenContent(root, "unk_token", out string? unk))
        {
            options.UnknownToken = unk;
        }

        if (TryGetTokenContent(root, "cls_token", out string? cls))
        {
            options.ClsToken = cls;
        }

        if (TryGetTokenContent(root, "sep_token", out string? sep))
        {
            options.SepToken = sep;
        }

        if (TryGetTokenContent(root, "pad_token", out string? pad))
        {
            options.PadToken = pad;
        }

        if (TryGetTokenContent(root, "mask_token", out string? mask))
        {
            options.MaskToken = mask;
        }

        if (root.TryGetProperty("additional_special_tokens", out JsonElement additional)
            && additional.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement token in additional.EnumerateArray())
            {
                if (TryGetTokenContent(token, out string? content))
                {
                    AddDistinct(options.AdditionalSpecialTokens, content);
                }
            }
        }
    }

    internal static void AddDistinct(IList<string> list, string token)
    {
        if (!list.Contains(token))
        {
            list.Add(token);
        }
    }

    internal static bool TryGetBool(JsonElement element, string name, out bool value)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement property)
            && property.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            value = property.GetBoolean();
            return true;
        }

        value = false;
        return false;
    }

    private static bool TryGetTokenContent(JsonElement parent, string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? content)
    {
        content = null;
        return parent.TryGetProperty(name, out JsonElement token) && TryGetTokenContent(token, out content);
    }

    /// <summary>Reads a token written as a string or as an AddedToken object with <c>content</c>.</summary>
    internal static bool TryGetTokenContent(JsonElement token, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? content)
    {
        content = token.ValueKind switch
        {
            JsonValueKind.String => token.GetString(),
            JsonValueKind.Object when token.TryGetProperty("content", out JsonElement inner)
                && inner.ValueKind == JsonValueKind.String => inner.GetString(),
            _ => null,
        };
        return !string.IsNullOrEmpty(content);
    }
}
