using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using LlamaDb.Embedders.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders.Tests.Telemetry;

public sealed class OpenTelemetryEmbeddingGeneratorTests
{
    [Fact]
    public void DefaultSourceName_IsLlamaDbEmbeddings()
    {
        Assert.Equal("LlamaDb.Embeddings", OpenTelemetryEmbeddingGenerator<string, Embedding<float>>.DefaultSourceName);
        using var generator = new OpenTelemetryEmbeddingGenerator<string, Embedding<float>>(new CountingEmbeddingGenerator());
        Assert.Equal("LlamaDb.Embeddings", generator.GetService<ActivitySource>()?.Name);
        Assert.Equal("LlamaDb.Embeddings", generator.GetService<Meter>()?.Name);
    }

    [Fact]
    public async Task GenerateAsync_Success_ActivityAndMetricsCarryGenAiTags()
    {
        string source = "LlamaDb.Embeddings.Test." + Guid.NewGuid().ToString("N");
        using var capture = new TelemetryCapture(source);
        var inner = new CountingEmbeddingGenerator(modelId: "mini", providerName: "onnx", providerUri: new Uri("http://127.0.0.1:11434/v1/"), dimensions: 4);
        using IEmbeddingGenerator<string, Embedding<float>> generator = inner.AsBuilder().UseOpenTelemetry(sourceName: source).Build();

        await generator.GenerateAsync(["abc", "de"], new EmbeddingGenerationOptions { Dimensions = 3 });

        Activity activity = Assert.Single(capture.Activities);
        Assert.Equal("embeddings mini", activity.DisplayName);
        Assert.Equal(ActivityKind.Client, activity.Kind);
        Assert.Equal("embeddings", activity.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("onnx", activity.GetTagItem("gen_ai.provider.name"));
        Assert.Equal("mini", activity.GetTagItem("gen_ai.request.model"));
        Assert.Equal("mini", activity.GetTagItem("gen_ai.response.model"));
        Assert.Equal(5L, activity.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(3, activity.GetTagItem("gen_ai.embeddings.dimension.count"));
        Assert.Equal("127.0.0.1", activity.GetTagItem("server.address"));
        Assert.Equal(11434, activity.GetTagItem("server.port"));
        Assert.Null(activity.GetTagItem("error.type"));

        var duration = Assert.Single(capture.Measurements, m => m.Instrument == "gen_ai.client.operation.duration");
        Assert.Equal("s", duration.Unit);
        Assert.True(duration.Value >= 0);
        Assert.Equal("embeddings", duration.Tags["gen_ai.operation.name"]);
        Assert.Equal("onnx", duration.Tags["gen_ai.provider.name"]);
        Assert.Equal("mini", duration.Tags["gen_ai.request.model"]);
        Assert.False(duration.Tags.ContainsKey("error.type"));

        var tokens = Assert.Single(capture.Measurements, m => m.Instrument == "gen_ai.client.token.usage");
        Assert.Equal("{token}", tokens.Unit);
        Assert.Equal(5, tokens.Value);
        Assert.Equal("input", tokens.Tags["gen_ai.token.type"]);
        Assert.Equal("mini", tokens.Tags["gen_ai.response.model"]);
    }

    [Fact]
    public async Task GenerateAsync_Failure_SetsErrorTypeOnActivityAndDuration()
    {
        string source = "LlamaDb.Embeddings.Test." + Guid.NewGuid().ToString("N");
        using var capture = new TelemetryCapture(source);
        using var generator = new OpenTelemetryEmbeddingGenerator<string, Embedding<float>>(
            new FailingEmbeddingGenerator(new TimeoutException("slow")), sourceName: source);

        await Assert.ThrowsAsync<TimeoutException>(() => generator.GenerateAsync(["x"]));

        Activity activity = Assert.Single(capture.Activities);
        Assert.Equal("embeddings broken-model", activity.DisplayName);
        Assert.Equal(typeof(TimeoutException).FullName, activity.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
        Assert.Equal("embed.example.com", activity.GetTagItem("server.address"));
        Assert.Equal(8443, activity.GetTagItem("server.port"));
        Assert.Equal(8, activity.GetTagItem("gen_ai.embeddings.dimension.count"));
        var duration = Assert.Single(capture.Measurements, m => m.Instrument == "gen_ai.client.operation.duration");
        Assert.Equal(typeof(TimeoutException).FullName, duration.Tags["error.type"]);
        Assert.DoesNotContain(capture.Measurements, m => m.Instrument == "gen_ai.client.token.usage");
    }

    [Fact]
    public async Task GenerateAsync_NoListeners_StillReturnsResults()
    {
        using var generator = new OpenTelemetryEmbeddingGenerator<string, Embedding<float>>(
            new CountingEmbeddingGenerator(), sourceName: "LlamaDb.Embeddings.Test.Unobserved." + Guid.NewGuid().ToString("N"));

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(["a"]);

        Assert.Single(result);
    }

    private sealed class TelemetryCapture : IDisposable
    {
        private readonly ActivityListener _activityListener;
        private readonly MeterListener _meterListener;

        public TelemetryCapture(string sourceName)
        {
            _activityListener = new ActivityListener
            {
                ShouldListenTo = s => s.Name == sourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = Activities.Enqueue,
            };
            ActivitySource.AddActivityListener(_activityListener);

            _meterListener = new MeterListener
            {
                InstrumentPublished = (instrument, listener) =>
                {
                    if (instrument.Meter.Name == sourceName)
                    {
                        listener.EnableMeasurementEvents(instrument);
                    }
                },
            };
            _meterListener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
            _meterListener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
            _meterListener.Start();
        }

        public ConcurrentQueue<Activity> Activities { get; } = new();

        public ConcurrentQueue<Measurement> Measurements { get; } = new();

        public void Dispose()
        {
            _activityListener.Dispose();
            _meterListener.Dispose();
        }

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var map = new Dictionary<string, object?>();
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                map[tag.Key] = tag.Value;
            }

            Measurements.Enqueue(new Measurement(instrument.Name, instrument.Unit, value, map));
        }

        public sealed record Measurement(string Instrument, string? Unit, double Value, Dictionary<string, object?> Tags);
    }
}
