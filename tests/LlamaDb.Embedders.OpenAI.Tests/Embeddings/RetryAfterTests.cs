using System.ClientModel.Primitives;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace LlamaDb.Embedders.OpenAI.Tests.Embeddings;

public sealed class RetryAfterTests
{
    [Theory]
    [InlineData("retry-after-ms", "250", 250)]
    [InlineData("Retry-After", "5", 5000)]
    [InlineData("retry-after", "0.5", 500)]
    public void ReadRetryAfter_Numbers_Parsed(string name, string value, double expectedMilliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), OpenAIEmbeddingGenerator.ReadRetryAfter(new Headers((name, value))));

    [Fact]
    public void ReadRetryAfter_HttpDateInThePast_IsZero() =>
        Assert.Equal(TimeSpan.Zero, OpenAIEmbeddingGenerator.ReadRetryAfter(new Headers(("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"))));

    [Fact]
    public void ReadRetryAfter_HttpDateInTheFuture_IsPositive()
    {
        string when = DateTimeOffset.UtcNow.AddHours(1).ToString("r", CultureInfo.InvariantCulture);

        TimeSpan? delay = OpenAIEmbeddingGenerator.ReadRetryAfter(new Headers(("Retry-After", when)));

        Assert.InRange(delay!.Value, TimeSpan.FromMinutes(50), TimeSpan.FromMinutes(61));
    }

    [Theory]
    [InlineData("Retry-After", "soon")]
    [InlineData("retry-after-ms", "-3")]
    [InlineData("X-Other", "5")]
    [InlineData("Retry-After", "Infinity")]
    [InlineData("Retry-After", "NaN")]
    [InlineData("retry-after-ms", "-Infinity")]
    public void ReadRetryAfter_MissingOrUnreadable_IsNull(string name, string value) =>
        Assert.Null(OpenAIEmbeddingGenerator.ReadRetryAfter(new Headers((name, value))));

    [Theory]
    [InlineData("Retry-After", "1e12")]
    [InlineData("retry-after-ms", "1e300")]
    public void ReadRetryAfter_TooLongForTimeSpan_IsMaxValueNotOverflow(string name, string value) =>
        Assert.Equal(TimeSpan.MaxValue, OpenAIEmbeddingGenerator.ReadRetryAfter(new Headers((name, value))));

    private sealed class Headers(params (string Name, string Value)[] values) : PipelineResponseHeaders
    {
        public override IEnumerator<KeyValuePair<string, string>> GetEnumerator() =>
            values.Select(v => new KeyValuePair<string, string>(v.Name, v.Value)).GetEnumerator();

        public override bool TryGetValue(string name, [NotNullWhen(true)] out string? value)
        {
            foreach ((string n, string v) in values)
            {
                if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = v;
                    return true;
                }
            }

            value = null;
            return false;
        }

        public override bool TryGetValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values2)
        {
            bool found = TryGetValue(name, out string? value);
            values2 = found ? [value!] : null;
            return found;
        }
    }
}
