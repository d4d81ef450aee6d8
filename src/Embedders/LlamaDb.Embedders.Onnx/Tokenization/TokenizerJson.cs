using System.Text.Json;

namespace LlamaDb.Embedders.Onnx.Tokenization;

/// <summary>The parts of a Hugging Face <c>tokenizer.json</c> that a BERT WordPiece tokenizer needs.</summary>
internal sealed class TokenizerJson
{
    private readonly List<KeyValuePair<string, int>> _vocabulary = [];
    private readonly List<KeyValuePair<string, int>> _addedTokens = [];
    private readonly List<string> _specialAddedTokens = [];
    private string? _unknownToken;
    private string? _prefix;
    private int? _maxInputCharsPerWord;
    private string? _clsToken;
    private string? _sepToken;
    private bool? _cleanText;
    private bool? _handleChineseChars;
    private bool? _stripAccents;
    private bool? _lowercase;
    private bool _stripAccentsPresent;

    private TokenizerJson()
    {
    }

    public static TokenizerJson Read(string path)
    {
        using JsonDocument document = BertTokenizer.ReadJson(path);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("model", out JsonElement model) || model.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"'{path}' has no 'model' object.");
        }

        if (model.TryGetProperty("type", out JsonElement type) && type.ValueKind == JsonValueKind.String
            && type.GetString() != "WordPiece")
        {
            throw new InvalidDataException($"'{path}' holds a {type.GetString()} model; only WordPiece is supported.");
        }

        if (!model.TryGetProperty("vocab", out JsonElement vocab) || vocab.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"'{path}' has no WordPiece 'model.vocab' object.");
        }

        var file = new TokenizerJson();
        foreach (JsonProperty entry in vocab.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id))
            {
                throw new InvalidDataException($"'{path}': the id of vocabulary token '{entry.Name}' is not an integer.");
            }

            file._vocabulary.Add(new KeyValuePair<string, int>(entry.Name, id));
        }

        file._unknownToken = GetString(model, "unk_token");
        file._prefix = GetString(model, "continuing_subword_prefix");
        if (model.TryGetProperty("max_input_chars_per_word", out JsonElement maxChars)
            && maxChars.ValueKind == JsonValueKind.Number && maxChars.TryGetInt32(out int max))
        {
            file._maxInputCharsPerWord = max;
        }

        if (root.TryGetProperty("added_tokens", out JsonElement added) && added.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement token in added.EnumerateArray())
            {
                if (token.ValueKind == JsonValueKind.Object
                    && token.TryGetProperty("id", out JsonElement idElement) && idElement.TryGetInt32(out int id)
                    && BertTokenizer.TryGetTokenContent(token, out string? content))
                {
                    file._addedTokens.Add(new KeyValuePair<string, int>(content, id));
                    if (BertTokenizer.TryGetBool(token, "special", out bool special) && special)
                    {
                        file._specialAddedTokens.Add(content);
                    }
                }
            }
        }

        if (root.TryGetProperty("normalizer", out JsonElement normalizer))
        {
            file.ReadNormalizer(normalizer);
        }

        if (root.TryGetProperty("post_processor", out JsonElement postProcessor))
        {
            file.ReadPostProcessor(postProcessor);
        }

        return file;
    }

    /// <summary>Copies the file's flags and token names onto <paramref name="options"/>.</summary>
    public void ApplyTo(BertTokenizerOptions options)
    {
        if (_cleanText is bool clean)
        {
            options.CleanText = clean;
        }

        if (_handleChineseChars is bool chinese)
        {
            options.TokenizeChineseChars = chinese;
        }

        if (_lowercase is bool lower)
        {
            options.LowerCase = lower;
        }

        if (_stripAccentsPresent)
        {
            options.StripAccents = _stripAccents;
        }

        if (_unknownToken is { Length: > 0 } unk)
        {
            options.UnknownToken = unk;
        }

        if (_prefix is not null)
        {
            options.ContinuingSubwordPrefix = _prefix;
        }

        if (_maxInputCharsPerWord is int max)
        {
            options.MaxInputCharsPerWord = max;
        }

        if (_clsToken is { Length: > 0 } cls)
        {
            options.ClsToken = cls;
        }

        if (_sepToken is { Length: > 0 } sep)
        {
            options.SepToken = sep;
        }
    }

    /// <summary>Adds the <c>added_tokens</c> marked special to the tokens matched literally in text.</summary>
    public void AddSpecialTokensTo(BertTokenizerOptions options)
    {
        foreach (string token in _specialAddedTokens)
        {
            if (token != options.UnknownToken && token != options.ClsToken && token != options.SepToken
                && token != options.PadToken && token != options.MaskToken)
            {
                BertTokenizer.AddDistinct(options.AdditionalSpecialTokens, token);
            }
        }
    }

    public WordPieceVocabulary BuildVocabulary(string prefix, IEnumerable<KeyValuePair<string, int>>? moreAddedTokens = null)
    {
        var added = new List<KeyValuePair<string, int>>(_addedTokens);
        if (moreAddedTokens is not null)
        {
            added.AddRange(moreAddedTokens);
        }

        return WordPieceVocabulary.FromMap(_vocabulary, prefix, added);
    }

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private void ReadNormalizer(JsonElement normalizer)
    {
        if (normalizer.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        string? type = GetString(normalizer, "type");
        if (type == "Sequence" && normalizer.TryGetProperty("normalizers", out JsonElement inner)
            && inner.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in inner.EnumerateArray())
            {
                ReadNormalizer(item);
            }

            return;
        }

        if (type != "BertNormalizer")
        {
            return;
        }

        if (BertTokenizer.TryGetBool(normalizer, "clean_text", out bool clean))
        {
            _cleanText = clean;
        }

        if (BertTokenizer.TryGetBool(normalizer, "handle_chinese_chars", out bool chinese))
        {
            _handleChineseChars = chinese;
        }

        if (BertTokenizer.TryGetBool(normalizer, "lowercase", out bool lower))
        {
            _lowercase = lower;
        }

        if (normalizer.TryGetProperty("strip_accents", out JsonElement strip))
        {
            _stripAccentsPresent = true;
            _stripAccents = strip.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => null,
            };
        }
    }

    /// <summary>Reads <c>[CLS]</c>/<c>[SEP]</c> from a <c>BertProcessing</c> or <c>TemplateProcessing</c> post-processor.</summary>
    private void ReadPostProcessor(JsonElement processor)
    {
        if (processor.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        switch (GetString(processor, "type"))
        {
            case "BertProcessing":
                _clsToken = FirstOfPair(processor, "cls");
                _sepToken = FirstOfPair(processor, "sep");
                break;
            case "TemplateProcessing":
                if (processor.TryGetProperty("single", out JsonElement single) && single.ValueKind == JsonValueKind.Array)
                {
                    string? first = null;
                    string? last = null;
                    foreach (JsonElement piece in single.EnumerateArray())
                    {
                        if (piece.ValueKind == JsonValueKind.Object
                            && piece.TryGetProperty("SpecialToken", out JsonElement special)
                            && special.ValueKind == JsonValueKind.Object)
                        {
                            string? id = GetString(special, "id");
                            first ??= id;
                            last = id;
                        }
                    }

                    if (first is not null && last is not null && first != last)
                    {
                        _clsToken = first;
                        _sepToken = last;
                    }
                }

                break;
            case "Sequence":
                if (processor.TryGetProperty("processors", out JsonElement inner) && inner.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement item in inner.EnumerateArray())
                    {
                        ReadPostProcessor(item);
                    }
                }

                break;
            default:
                break;
        }
    }

    private static string? FirstOfPair(JsonElement processor, string name) =>
        processor.TryGetProperty(name, out JsonElement pair) && pair.ValueKind == JsonValueKind.Array
            && pair.GetArrayLength() > 0 && pair[0].ValueKind == JsonValueKind.String
            ? pair[0].GetString()
            : null;
}
