using System.Text;

namespace LlamaDb.Embedders.Http.Internal;

/// <summary>
/// A deliberately high estimate of a text's token count, used only to keep requests under a provider's token budget:
/// one token per two UTF-8 bytes (about twice the real count for English, above it for most other scripts) plus one.
/// When the estimate is still too low, the provider's "too many tokens" error splits the batch.
/// </summary>
internal static class TokenEstimator
{
    public static long Estimate(string text) => (Encoding.UTF8.GetByteCount(text) + 1) / 2 + 1;
}
