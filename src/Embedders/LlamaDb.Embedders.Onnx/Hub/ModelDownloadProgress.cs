namespace LlamaDb.Embedders.Onnx.Hub;

/// <summary>Progress of a <see cref="ModelDownloader.DownloadAsync"/> call.</summary>
/// <param name="Path">The repository path of the file being fetched.</param>
/// <param name="BytesDownloaded">The bytes of this file on disk so far, including any resumed part.</param>
/// <param name="TotalBytes">The size of this file when the server announced it; otherwise <see langword="null"/>.</param>
/// <param name="FileIndex">The zero-based index of this file in the requested list.</param>
/// <param name="FileCount">The number of files requested.</param>
public sealed record ModelDownloadProgress(string Path, long BytesDownloaded, long? TotalBytes, int FileIndex, int FileCount);
