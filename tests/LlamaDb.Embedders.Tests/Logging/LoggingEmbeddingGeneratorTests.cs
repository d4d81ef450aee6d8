using LlamaDb.Embedders.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Embedders.Tests.Logging;

public sealed class LoggingEmbeddingGeneratorTests
{
    private const string SecretText = "my private sentence";

    [Fact]
    public async Task GenerateAsync_DebugLevel_LogsCountsButNeverTexts()
    {
        var logs = new CapturingLoggerProvider(LogLevel.Debug);
        using IEmbeddingGenerator<string, Embedding<float>> generator = new CountingEmbeddingGenerator().AsBuilder().UseLogging(logs).Build();

        await generator.GenerateAsync([SecretText, "other"]);

        Assert.Contains(logs.Entries, e => e.EventId.Name == "EmbeddingsInvoked" && e.Level == LogLevel.Debug && e.Message.Contains("2 inputs", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.EventId.Name == "EmbeddingsCompleted" && e.Message.Contains("2 embeddings", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(SecretText, StringComparison.Ordinal));
        Assert.All(logs.Entries, e => Assert.Contains("LoggingEmbeddingGenerator", e.Category, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GenerateAsync_TraceLevel_LogsTextsAtTraceOnly()
    {
        var logs = new CapturingLoggerProvider(LogLevel.Trace);
        using IEmbeddingGenerator<string, Embedding<float>> generator = new CountingEmbeddingGenerator().AsBuilder().UseLogging(logs).Build();

        await generator.GenerateAsync([SecretText], new EmbeddingGenerationOptions { Dimensions = 3 });

        var withText = logs.Entries.Where(e => e.Message.Contains(SecretText, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(withText);
        Assert.All(withText, e => Assert.Equal(LogLevel.Trace, e.Level));
        Assert.Contains(withText, e => string.Concat(e.Message.Where(c => !char.IsWhiteSpace(c))).Contains("\"dimensions\":3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GenerateAsync_InnerThrows_LogsFailedWithExceptionAndRethrows()
    {
        var logs = new CapturingLoggerProvider(LogLevel.Debug);
        var boom = new InvalidOperationException("boom");
        using var generator = new LoggingEmbeddingGenerator<string, Embedding<float>>(new FailingEmbeddingGenerator(boom), logs.CreateLogger("t"));

        InvalidOperationException thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => generator.GenerateAsync(["x"]));

        Assert.Same(boom, thrown);
        var failed = Assert.Single(logs.Entries, e => e.EventId.Name == "EmbeddingsFailed");
        Assert.Equal(LogLevel.Error, failed.Level);
        Assert.Same(boom, failed.Exception);
        Assert.DoesNotContain(logs.Entries, e => e.EventId.Name == "EmbeddingsCompleted");
    }

    [Fact]
    public async Task GenerateAsync_Cancelled_LogsCancelledNotFailed()
    {
        var logs = new CapturingLoggerProvider(LogLevel.Debug);
        using var generator = new LoggingEmbeddingGenerator<string, Embedding<float>>(new CountingEmbeddingGenerator(), logs.CreateLogger("t"));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync(["x"], cancellationToken: cts.Token));

        Assert.Single(logs.Entries, e => e.EventId.Name == "EmbeddingsCancelled");
        Assert.DoesNotContain(logs.Entries, e => e.EventId.Name == "EmbeddingsFailed");
    }

    [Fact]
    public async Task GenerateAsync_InformationLevel_LogsNothing()
    {
        var logs = new CapturingLoggerProvider(LogLevel.Information);
        using var generator = new LoggingEmbeddingGenerator<string, Embedding<float>>(new CountingEmbeddingGenerator(), logs.CreateLogger("t"));

        await generator.GenerateAsync(["x"]);

        Assert.Empty(logs.Entries);
    }

    [Fact]
    public async Task GenerateAsync_InformationLevelAndInnerThrows_StillLogsFailed()
    {
        var logs = new CapturingLoggerProvider(LogLevel.Information);
        using var generator = new LoggingEmbeddingGenerator<string, Embedding<float>>(
            new FailingEmbeddingGenerator(new InvalidOperationException("boom")), logs.CreateLogger("t"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => generator.GenerateAsync(["x"]));

        var entry = Assert.Single(logs.Entries);
        Assert.Equal("EmbeddingsFailed", entry.EventId.Name);
    }

    [Fact]
    public void UseLogging_NoLoggerFactoryAnywhere_AddsNoStage()
    {
        var inner = new CountingEmbeddingGenerator();

        IEmbeddingGenerator<string, Embedding<float>> built = inner.AsBuilder().UseLogging().Build();

        Assert.Same(inner, built);
    }

    [Fact]
    public void UseLogging_Configure_RunsOnTheStage()
    {
        var logs = new CapturingLoggerProvider(LogLevel.Debug);
        var custom = new System.Text.Json.JsonSerializerOptions(AIJsonUtilities.DefaultOptions);

        IEmbeddingGenerator<string, Embedding<float>> built = new CountingEmbeddingGenerator().AsBuilder()
            .UseLogging(logs, g => g.JsonSerializerOptions = custom).Build();

        Assert.Same(custom, Assert.IsType<LoggingEmbeddingGenerator<string, Embedding<float>>>(built).JsonSerializerOptions);
    }
}
