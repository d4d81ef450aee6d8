using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using LlamaDb.Embedders.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders.Tests.Telemetry;

public sealed class OpenTelemetryEmbeddingGeneratorTests
{
    [Fact]
    public void UseOpenTelemetry_LlamaDbSourceName_NamesTheActivitySourceLlamaDbEmbeddings()
    {
        Assert.Equal("LlamaDb.Embeddings", LlamaDbTelemetry.SourceName);
        using IEmbeddingGenerator<string, Embedding<float>> generator = new CountingEmbeddingGenerator().AsBuilder()
            .UseOpenTelemetry(sourceName: LlamaDbTelemetry.SourceName)
            .Build();

        Assert.Equal("LlamaDb.Embeddings", generator.GetService<ActivitySource>()?.Name);
    }

    [Fact]
    public async Task GenerateAsync_Success_ActivityAndMetricsCarryGenAiTags()
    {
        // The real source name; a model id unique to this test keeps other tests' telemetry out of the capture.
        string model = "mini-" + Guid.NewGuid().ToString("N");
        using var capture = new TelemetryCapture(LlamaDbTelemetry.SourceName, model);
        var inner = new CountingEmbeddingGenerator(modelId: model, providerName: "onnx", providerUri: new Uri("http://127.0.0.1:11434/v1/"), dimensions: 4);
        using IEmbeddingGenerator<string, Embedding<float>> generator = inner.AsBuilder().UseOpenTelemetry(sourceName: LlamaDbTelemetry.SourceName).Build();

        await generator.GenerateAsync(["abc", "de"], new EmbeddingGenerationOptions { Dimensions = 3 });

        Activity activity = Assert.Single(capture.Activities);
        Assert.Equal("embeddings " + model, activity.DisplayName);
        Assert.Equal(ActivityKind.Client, activity.Kind);
        Assert.Equal("embeddings", activity.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("onnx", activity.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(model, activity.GetTagItem("gen_ai.request.model"));
        Assert.Equal(model, activity.GetTagItem("gen_ai.response.model"));
        Assert.Equal(5, Convert.ToInt64(activity.GetTagItem("gen_ai.usage.input_tokens"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(3, activity.GetTagItem("gen_ai.embeddings.dimension.count"));
        Assert.Equal("127.0.0.1", activity.GetTagItem("server.address"));
        Assert.Equal(11434, activity.GetTagItem("server.port"));
        Assert.Null(activity.GetTagItem("error.type"));

        var duration = Assert.Single(capture.Measurements, m => m.Instrument == "gen_ai.client.operation.duration");
        Assert.Equal("s", duration.Unit);
        Assert.True(duration.Value >= 0);
        Assert.Equal("embeddings", duration.Tags["gen_ai.operation.name"]);
        Assert.Equal("onnx", duration.Tags["gen_ai.provider.name"]);
        Assert.Equal(model, duration.Tags["gen_ai.request.model"]);
        Assert.False(duration.Tags.ContainsKey("error.type"));

        var tokens = Assert.Single(capture.Measurements, m => m.Instrument == "gen_ai.client.token.usage");
        Assert.Equal("{token}", tokens.Unit);
        Assert.Equal(5, tokens.Value);
        Assert.Equal("input", tokens.Tags["gen_ai.token.type"]);
        Assert.Equal(model, tokens.Tags["gen_ai.response.model"]);
    }

    [Fact]
    public async Task GenerateAsync_NoDimensionsInOptions_ReportsTheGeneratorsDefaultDimensions()
    {
        string model = "mini-" + Guid.NewGuid().ToString("N");
        using var capture = new TelemetryCapture(LlamaDbTelemetry.SourceName, model);
        var inner = new CountingEmbeddingGenerator(modelId: model, providerName: "openai", dimensions: 256);
        using IEmbeddingGenerator<string, Embedding<float>> generator = inner.AsBuilder().UseOpenTelemetry(sourceName: LlamaDbTelemetry.SourceName).Build();

        await generator.GenerateAsync(["abc"]);

        Activity activity = Assert.Single(capture.Activities);
        Assert.Equal(256, activity.GetTagItem("gen_ai.embeddings.dimension.count"));
        Assert.Equal("openai", activity.GetTagItem("gen_ai.provider.name"));
    }

    [Fact]
    public async Task GenerateAsync_Failure_SetsErrorTypeOnActivityAndDuration()
    {
        using var capture = new TelemetryCapture(LlamaDbTelemetry.SourceName, "broken-model");
        using IEmbeddingGenerator<string, Embedding<float>> generator = new FailingEmbeddingGenerator(new TimeoutException("slow")).AsBuilder()
            .UseOpenTelemetry(sourceName: LlamaDbTelemetry.SourceName)
            .Build();

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

    private sealed class TelemetryCapture : IDisposable
    {
        private readonly ActivityListener _activityListener;
        private readonly MeterListener _meterListener;
        private readonly string _model;

        public TelemetryCapture(string sourceName, string model)
        {
            _model = model;
            _activityListener = new ActivityListener
            {
                ShouldListenTo = s => s.Name == sourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = a =>
                {
                    if (Equals(a.GetTagItem("gen_ai.request.model"), _model))
                    {
                        Activities.Enqueue(a);
                    }
                },
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
            _meterListener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
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

            if (!Equals(map.GetValueOrDefault("gen_ai.request.model"), _model))
            {
                return;
            }

            Measurements.Enqueue(new Measurement(instrument.Name, instrument.Unit, value, map));
        }

        public sealed record Measurement(string Instrument, string? Unit, double Value, Dictionary<string, object?> Tags);
    }
}
