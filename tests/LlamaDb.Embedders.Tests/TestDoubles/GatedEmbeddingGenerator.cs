using System.Threading.Channels;
using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders.Tests.TestDoubles;

/// <summary>Each call waits until the test completes it; calls are published on <see cref="Calls"/> as they start.</summary>
internal sealed class GatedEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly Channel<GatedCall> _calls = Channel.CreateUnbounded<GatedCall>();
    private int _inFlight;
    private int _maxInFlight;
    private int _started;

    public ChannelReader<GatedCall> Calls => _calls.Reader;

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public int Started => Volatile.Read(ref _started);

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        int now = Interlocked.Increment(ref _inFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
        {
        }

        Interlocked.Increment(ref _started);
        var call = new GatedCall([.. values], cancellationToken, () => Interlocked.Decrement(ref _inFlight));
        _calls.Writer.TryWrite(call);
        return call.Task;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

internal sealed class GatedCall
{
    private readonly TaskCompletionSource<GeneratedEmbeddings<Embedding<float>>> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action _onDone;
    private int _done;

    public GatedCall(string[] inputs, CancellationToken cancellationToken, Action onDone)
    {
        Inputs = inputs;
        Token = cancellationToken;
        _onDone = onDone;
        cancellationToken.Register(() =>
        {
            if (MarkDone())
            {
                _completion.TrySetCanceled(cancellationToken);
            }
        });
    }

    public string[] Inputs { get; }

    public CancellationToken Token { get; }

    public Task<GeneratedEmbeddings<Embedding<float>>> Task => _completion.Task;

    public void Complete()
    {
        if (MarkDone())
        {
            _completion.SetResult(new GeneratedEmbeddings<Embedding<float>>(Inputs.Select(t => new Embedding<float>(CountingEmbeddingGenerator.VectorFor(t, 4))))
            {
                Usage = new UsageDetails { InputTokenCount = Inputs.Length * 10 },
            });
        }
    }

    public void Fail(Exception exception)
    {
        if (MarkDone())
        {
            _completion.SetException(exception);
        }
    }

    private bool MarkDone()
    {
        if (Interlocked.Exchange(ref _done, 1) != 0)
        {
            return false;
        }

        _onDone();
        return true;
    }
}
