using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlamaDb.Cli.Store;

/// <summary>
/// What a collection was built with: the embedding model (as given: a folder or a repo id), its dimensions and the
/// chunking settings. A folder store keeps it as <c>embedding.json</c> in the collection's folder next to the store's own
/// files; PostgreSQL keeps it as the table's collection metadata. Search and ask load the same model unless
/// <c>--model</c> overrides it.
/// </summary>
internal sealed record CollectionManifest
{
    public const string FileName = LlamaDb.Server.Stores.FolderChunkStoreBackend.ManifestFile;

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

    /// <summary>Reads a manifest's JSON (<paramref name="where"/> names it in errors), or null for none.</summary>
    public static CollectionManifest? Parse(string? json, string where)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<CollectionManifest>(json, s_json)
                ?? throw new InvalidDataException($"The collection's model record ({where}) is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The collection's model record ({where}) is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>The manifest as JSON (camelCase, indented).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, s_json);
}
