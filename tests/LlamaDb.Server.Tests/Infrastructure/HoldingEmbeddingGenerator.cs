using Microsoft.Extensions.AI;

namespace LlamaDb.Server.Tests.Infrastructure;

/// <summary>
/// An embedder double over <see cref="TestEmbeddingGenerator"/> that can hold the call embedding one chosen text until
/// the test releases it: a request that embeds its query after opening its collection (search, /ask) then waits at a
/// known point while the test acts, e.g. deletes that collection.
/// </summary>
public sealed class HoldingEmbeddingGenerator(int dimensions) : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>How long a held call waits for its release before it fails: a bound, not a timing.</summary>
    public static readonly TimeSpan HoldLimit = TimeSpan.FromSeconds(30);

    private readonly TestEmbeddingGenerator _inner = new(dimensions);
    private Hold? _hold;

    /// <summary>Holds the next call whose inputs include <paramref name="text"/>.</summary>
    public Hold HoldOn(string text)
    {
        var hold = new Hold(text);
        Volatile.Write(ref _hold, hold);
        return hold;
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        string[] inputs = [.. values];
        if (Volatile.Read(ref _hold) is { } hold && inputs.Contains(hold.Text, StringComparer.Ordinal)
            && Interlocked.CompareExchange(ref _hold, null, hold) == hold)
        {
            hold.Reached.TrySetResult();
            await hold.Released.Task.WaitAsync(HoldLimit, cancellationToken);
        }

        return await _inner.GenerateAsync(inputs, options, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType.IsInstanceOfType(this) ? this : _inner.GetService(serviceType, serviceKey);

    public void Dispose() => _inner.Dispose();

    /// <summary>One held call: <see cref="Reached"/> completes when it starts waiting; <see cref="Release"/> lets it go on.</summary>
    public sealed class Hold(string text)
    {
        public string Text { get; } = text;

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => Released.TrySetResult();
    }
}
