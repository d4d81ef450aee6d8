namespace LlamaDb.Embedders.Onnx.Hub;

/// <summary>A file to download from a model repository.</summary>
/// <param name="Path">The path inside the repository, with <c>/</c> separators (for example <c>onnx/model.onnx</c>).</param>
/// <param name="Sha256">The expected SHA-256 of the file as 64 hexadecimal digits, or <see langword="null"/> to skip verification.</param>
/// <param name="Optional">Whether a missing file (HTTP 404) is skipped rather than failing the download.</param>
public sealed record ModelFile(string Path, string? Sha256 = null, bool Optional = false)
{
    /// <summary>
    /// Gets the path fetched instead when <see cref="Path"/> answers HTTP 404 (for example <c>model.onnx</c> at the
    /// root for <c>onnx/model.onnx</c>), or <see langword="null"/> for none. <see cref="Sha256"/> applies to whichever is fetched.
    /// </summary>
    public string? FallbackPath { get; init; }
}
