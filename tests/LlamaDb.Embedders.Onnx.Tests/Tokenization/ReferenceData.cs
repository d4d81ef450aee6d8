using System.Collections.Concurrent;
using System.Text.Json;
using LlamaDb.Embedders.Onnx.Tokenization;

namespace LlamaDb.Embedders.Onnx.Tests.Tokenization;

/// <summary>Reads the shared <c>reference.json</c> files and caches tokenizers per loading path.</summary>
internal static class ReferenceData
{
    public const string MiniLm = "all-MiniLM-L6-v2";
    public const string MsMarco = "ms-marco-MiniLM-L-12-v2";

    private static readonly ConcurrentDictionary<(string Model, string Loader), BertTokenizer> s_tokenizers = new();

    /// <summary>The three ways of loading a model folder's tokenizer.</summary>
    public static TheoryData<string> Loaders => new() { "vocab.txt", "tokenizer.json", "directory" };

    public static JsonElement Reference(string model) => Tests.Reference.Load(model);

    public static BertTokenizer Tokenizer(string model, string loader) => s_tokenizers.GetOrAdd((model, loader), static key =>
    {
        string folder = TestPaths.Models(key.Model);
        return key.Loader switch
        {
            "vocab.txt" => BertTokenizer.FromVocabFile(Path.Combine(folder, "vocab.txt")),
            "tokenizer.json" => BertTokenizer.FromTokenizerJson(Path.Combine(folder, "tokenizer.json")),
            "directory" => BertTokenizer.FromDirectory(folder),
            _ => throw new ArgumentOutOfRangeException(nameof(key), key.Loader, "Unknown loader."),
        };
    });

    public static int[] Ints(JsonElement array) => Tests.Reference.Ints(array);

    public static string[] Strings(JsonElement array) => Tests.Reference.Strings(array);

    public static string Show(IEnumerable<int> ids) => "[" + string.Join(", ", ids) + "]";
}
