using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.Extensions.AI;

namespace LlamaDb.Retrieval;

/// <summary>
/// Describes the configuration that shapes stored chunks (the chunker, its limits and token counter, and the embedding
/// model), so <see cref="IngestionPipeline"/> re-chunks a document when the configuration changes even if its text did
/// not. The fingerprint is folded into each <see cref="ChunkRecord.ContentHash"/>.
/// </summary>
public static class IngestionFingerprint
{
    /// <summary>
    /// Creates the fingerprint of a chunker and, optionally, an embedding model: the chunker's type, and for LlamaDb's own
    /// chunkers their options (<see cref="ChunkerOptions.MaxTokens"/>, <see cref="ChunkerOptions.OverlapTokens"/>, the
    /// token counter's type, and the semantic chunker's settings); then the model's provider, id and dimensions. Other
    /// chunkers contribute only their type: give <see cref="IngestionOptions.ConfigurationFingerprint"/> explicitly when
    /// their settings change.
    /// </summary>
    /// <param name="chunker">The chunker.</param>
    /// <param name="embedding">The embedding model's metadata, when known.</param>
    /// <returns>A readable, stable description.</returns>
    public static string Create(IChunker chunker, EmbeddingGeneratorMetadata? embedding = null)
    {
        ArgumentNullException.ThrowIfNull(chunker);
        var text = new StringBuilder();
        Type type = chunker.GetType();
        text.Append("chunker=").Append(type.FullName);
        if (type.Assembly == typeof(IChunker).Assembly)
        {
            // LlamaDb's chunkers keep their validated options in private readonly fields; reading them here keeps the
            // fingerprint in step with every setting without widening the chunkers' public surface.
            FieldInfo[] fields = type.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
            Array.Sort(fields, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            foreach (FieldInfo field in fields)
            {
                Append(text, field.Name.TrimStart('_'), field.GetValue(chunker));
            }
        }

        if (embedding is not null)
        {
            text.Append(";embedding=").Append(embedding.ProviderName)
                .Append('/').Append(embedding.DefaultModelId)
                .Append('/').Append(embedding.DefaultModelDimensions?.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static void Append(StringBuilder text, string name, object? value)
    {
        switch (value)
        {
            case ChunkerOptions options:
                text.Append(';').Append(name).Append(".maxTokens=").Append(options.MaxTokens.ToString(CultureInfo.InvariantCulture))
                    .Append(';').Append(name).Append(".overlapTokens=").Append(options.OverlapTokens.ToString(CultureInfo.InvariantCulture))
                    .Append(';').Append(name).Append(".tokenCounter=").Append(options.TokenCounter?.GetType().FullName);
                break;
            case IFormattable formattable when value.GetType().IsPrimitive || value is Enum:
                text.Append(';').Append(name).Append('=').Append(formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            case string or bool:
                text.Append(';').Append(name).Append('=').Append(value);
                break;
            case null:
                break;
            default:
                // Services (an embedding generator, a tokenizer): their type is what identifies them.
                text.Append(';').Append(name).Append(':').Append(value.GetType().FullName);
                break;
        }
    }
}
