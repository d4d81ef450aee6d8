using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlamaDb.Cli.Store;

/// <summary>
/// What a collection was built with, kept as <c>embedding.json</c> in the collection's folder next to the store's own
/// files: the embedding model (as given: a folder or a repo id), its dimensions and the chunking settings. Search and ask
/// load the same model unless <c>--model</c> overrides it.
/// </summary>
internal sealed record CollectionManifest
{
    public const string FileName = "embedding.json";

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Gets the model as given to <c>ingest</c>: a folder path or a hub repo id.</summary>
    public required string Model { get; init; }

    /// <summary>Gets the model folder the model resolved to.</summary>
    public string? ModelPath { get; init; }

    /// <summary>Gets the model's id (its folder name).</summary>
    public string? ModelId { get; init; }

    /// <summary>Gets the embedding dimensions.</summary>
    public required int Dimensions { get; init; }

    /// <summary>Gets the model's maximum sequence length.</summary>
    public int? MaxSequenceLength { get; init; }

    /// <summary>Gets the chunker name.</summary>
    public string? Chunker { get; init; }

    /// <summary>Gets the chunk size limit in model tokens.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Gets the chunk overlap in model tokens.</summary>
    public int? Overlap { get; init; }

    /// <summary>Gets when the collection was first ingested into.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the collection was last ingested into.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    public static string PathFor(string collectionDirectory) => Path.Combine(collectionDirectory, FileName);

    /// <summary>Reads the manifest of a collection folder, or null when it has none.</summary>
    public static CollectionManifest? TryRead(string collectionDirectory)
    {
        string path = PathFor(collectionDirectory);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<CollectionManifest>(File.ReadAllText(path), s_json)
                ?? throw new InvalidDataException($"'{path}' is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The collection's model record '{path}' is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Writes the manifest to a temporary file and renames it into place.</summary>
    public void Write(string collectionDirectory)
    {
        string path = PathFor(collectionDirectory);
        string temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, s_json));
        File.Move(temp, path, overwrite: true);
    }
}
