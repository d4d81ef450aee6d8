namespace LlamaDb.Embedders.OpenAI;

/// <summary>One call's inputs (after truncation) and the results its requests fill in, by input index.</summary>
internal sealed class RequestState(string[] inputs, string model, int? dimensions, string? user)
{
    private readonly Lock _lock = new();

    /// <summary>The first failure among the call's requests; the rest are cancelled.</summary>
    public Exception? FirstError;

    public string[] Inputs { get; } = inputs;

    public string Model { get; } = model;

    public int? Dimensions { get; } = dimensions;

    public string? User { get; } = user;

    public float[]?[] Vectors { get; } = new float[inputs.Length][];

    public string?[] Models { get; } = new string?[inputs.Length];

    public bool HasUsage { get; private set; }

    public long PromptTokens { get; private set; }

    public long TotalTokens { get; private set; }

    public void Store(int start, ParsedEmbeddings parsed)
    {
        for (int i = 0; i < parsed.Vectors.Length; i++)
        {
            Vectors[start + i] = parsed.Vectors[i];
            Models[start + i] = parsed.Model;
        }

        if (parsed.PromptTokens is not null || parsed.TotalTokens is not null)
        {
            lock (_lock)
            {
                HasUsage = true;
                PromptTokens += parsed.PromptTokens ?? 0;
                TotalTokens += parsed.TotalTokens ?? parsed.PromptTokens ?? 0;
            }
        }
    }
}

/// <summary>A run of consecutive inputs sent as one request.</summary>
internal readonly record struct InputBatch(int Start, int Count, long EstimatedTokens);
