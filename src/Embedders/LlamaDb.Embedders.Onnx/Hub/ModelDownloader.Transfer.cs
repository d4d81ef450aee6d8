using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace LlamaDb.Embedders.Onnx.Hub;

/// <content>Fetching one file: skip checks, retries, resumable transfer and verification.</content>
public sealed partial class ModelDownloader
{
    private enum FetchOutcome
    {
        Downloaded,
        NotFound,
    }

    private async Task DownloadEntryAsync(DownloadJob job, ModelFile file, int index, CancellationToken cancellationToken)
    {
        string[] candidates = file.FallbackPath is null ? [file.Path] : [file.Path, file.FallbackPath];

        foreach (var candidate in candidates)
        {
            var size = await GetPresentSizeAsync(job, candidate, file.Sha256, cancellationToken).ConfigureAwait(false);
            if (size is not null)
            {
                job.Progress?.Report(new ModelDownloadProgress(candidate, size.Value, size.Value, index, job.FileCount));
                return;
            }
        }

        foreach (var candidate in candidates)
        {
            var outcome = await FetchWithRetriesAsync(job, candidate, file.Sha256, index, cancellationToken).ConfigureAwait(false);
            if (outcome == FetchOutcome.Downloaded)
            {
                return;
            }
        }

        if (!file.Optional)
        {
            var names = string.Join("' nor '", candidates);
            throw new ModelDownloadException(
                $"Repository '{job.RepoId}' at revision '{_revision}' has neither '{names}' (HTTP 404). Check the repository id, revision and file names.",
                job.RepoId,
                file.Path,
                (int)HttpStatusCode.NotFound);
        }
    }

    /// <summary>Returns the size of the final file when it is present and usable, so it can be skipped without a request.</summary>
    private async Task<long?> GetPresentSizeAsync(DownloadJob job, string path, string? expectedSha256, CancellationToken cancellationToken)
    {
        var target = new FileInfo(HubPaths.Combine(job.LocalPath, path));
        if (!target.Exists)
        {
            return null;
        }

        var recorded = job.Manifest.Find(path);
        if (expectedSha256 is null)
        {
            // Without a digest to check, trust the file unless the manifest says it was a different size.
            return recorded is null || recorded.Size == target.Length ? target.Length : null;
        }

        var actual = await HashFileAsync(target.FullName, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            return null; // stale or damaged: downloaded again and replaced
        }

        if (recorded is null || recorded.Size != target.Length || !string.Equals(recorded.Sha256, actual, StringComparison.Ordinal))
        {
            job.Manifest.Record(new DownloadManifestEntry(path, target.Length, actual, recorded?.Revision ?? _revision, recorded?.DownloadedAt ?? DateTimeOffset.UtcNow));
            await job.Manifest.SaveAsync(job.LocalPath, cancellationToken).ConfigureAwait(false);
        }

        return target.Length;
    }

    private async Task<FetchOutcome> FetchWithRetriesAsync(DownloadJob job, string path, string? expectedSha256, int index, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await FetchOnceAsync(job, path, expectedSha256, index, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (attempt < _maxAttempts && IsTransient(ex, cancellationToken))
            {
                await DelayAsync(GetRetryDelay(attempt), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken))
            {
                var status = (ex as TransientStatusException)?.StatusCode ?? (int?)(ex as HttpRequestException)?.StatusCode;
                throw new ModelDownloadException(
                    $"Downloading '{path}' from '{job.RepoId}' failed after {_maxAttempts} attempt(s): {ex.Message} " +
                    $"What was received is kept in '{path}{PartialSuffix}' and the next run resumes from it.",
                    job.RepoId,
                    path,
                    status,
                    ex);
            }
        }
    }

    private static bool IsTransient(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        TransientStatusException or HttpRequestException or IOException => true,

        // A stalled read or HttpClient.Timeout, not the caller's cancellation.
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    internal TimeSpan GetRetryDelay(int attempt)
    {
        var ticks = _retryDelay.Ticks * Math.Pow(2, attempt - 1);
        return ticks >= s_maxRetryDelay.Ticks ? s_maxRetryDelay : TimeSpan.FromTicks((long)ticks);
    }

    private async Task<FetchOutcome> FetchOnceAsync(DownloadJob job, string path, string? expectedSha256, int index, CancellationToken cancellationToken)
    {
        var finalPath = HubPaths.Combine(job.LocalPath, path);
        var partialPath = finalPath + PartialSuffix;
        Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!); // never null: finalPath is inside LocalPath

        var existing = File.Exists(partialPath) ? new FileInfo(partialPath).Length : 0;

        using var request = new HttpRequestMessage(HttpMethod.Get, BuildUri(job.RepoId, path));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("llamadb", "0.1"));
        if (_token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        }

        if (existing > 0)
        {
            request.Headers.Range = new RangeHeaderValue(existing, null);
        }

        using var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        bool append;
        long? total;
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                append = false;
                existing = 0;
                total = response.Content.Headers.ContentLength;
                break;

            case HttpStatusCode.PartialContent when existing > 0:
                var range = response.Content.Headers.ContentRange;
                if (range?.From != existing)
                {
                    File.Delete(partialPath);
                    throw new IOException($"The server resumed '{path}' at byte {range?.From?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} instead of {existing}; starting over.");
                }

                append = true;
                total = range.Length ?? (existing + response.Content.Headers.ContentLength);
                break;

            case HttpStatusCode.RequestedRangeNotSatisfiable when existing > 0:
                // The partial already holds the whole file (a previous run stopped just before the rename).
                var size = response.Content.Headers.ContentRange?.Length;
                if (size is not null && size != existing)
                {
                    File.Delete(partialPath);
                    throw new IOException($"The partial download of '{path}' ({existing} bytes) is larger than the file ({size} bytes); starting over.");
                }

                await CompleteAsync(job, path, partialPath, finalPath, expectedSha256, cancellationToken).ConfigureAwait(false);
                job.Progress?.Report(new ModelDownloadProgress(path, existing, existing, index, job.FileCount));
                return FetchOutcome.Downloaded;

            case HttpStatusCode.NotFound:
                return FetchOutcome.NotFound;

            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                var hint = _token is null
                    ? "The repository may be gated, private or missing: set HF_TOKEN (or ModelDownloadOptions.Token) to a token with read access."
                    : "The token was rejected or lacks access to this repository: check HF_TOKEN (or ModelDownloadOptions.Token) and that you accepted the model's terms.";
                throw new ModelDownloadException(
                    $"Access to '{path}' in '{job.RepoId}' was denied (HTTP {status}). {hint}",
                    job.RepoId,
                    path,
                    status);

            case HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests:
            case >= HttpStatusCode.InternalServerError:
                throw new TransientStatusException(status, $"The server answered HTTP {status} for '{path}'.");

            default:
                throw new ModelDownloadException(
                    $"Unexpected HTTP {status} ({response.ReasonPhrase}) for '{path}' in '{job.RepoId}'.",
                    job.RepoId,
                    path,
                    status);
        }

        var downloaded = existing;
        job.Progress?.Report(new ModelDownloadProgress(path, downloaded, total, index, job.FileCount));

        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            var file = new FileStream(partialPath, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                using var readCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                try
                {
                    var lastReported = downloaded;
                    while (true)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (_readTimeout != Timeout.InfiniteTimeSpan)
                        {
                            readCts.CancelAfter(_readTimeout);
                        }

                        var read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), readCts.Token).ConfigureAwait(false);
                        if (read == 0)
                        {
                            break;
                        }

                        await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                        downloaded += read;
                        if (downloaded - lastReported >= ProgressStep)
                        {
                            lastReported = downloaded;
                            job.Progress?.Report(new ModelDownloadProgress(path, downloaded, total, index, job.FileCount));
                        }
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    await file.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                    file.Flush(flushToDisk: true);
                }
            }
        }

        if (total is not null && downloaded != total)
        {
            throw new IOException($"The response for '{path}' ended after {downloaded} of {total} bytes.");
        }

        await CompleteAsync(job, path, partialPath, finalPath, expectedSha256, cancellationToken).ConfigureAwait(false);
        job.Progress?.Report(new ModelDownloadProgress(path, downloaded, total ?? downloaded, index, job.FileCount));
        return FetchOutcome.Downloaded;
    }

    /// <summary>Verifies the finished partial file, renames it into place and records it in the manifest.</summary>
    private async Task CompleteAsync(DownloadJob job, string path, string partialPath, string finalPath, string? expectedSha256, CancellationToken cancellationToken)
    {
        var actual = await HashFileAsync(partialPath, cancellationToken).ConfigureAwait(false);
        if (expectedSha256 is not null && !string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(partialPath);
            throw new ModelDownloadException(
                $"SHA-256 mismatch for '{path}' in '{job.RepoId}': expected {expectedSha256.ToLowerInvariant()}, got {actual}. The download was discarded.",
                job.RepoId,
                path,
                statusCode: null);
        }

        var size = new FileInfo(partialPath).Length;
        File.Move(partialPath, finalPath, overwrite: true);
        job.Manifest.Record(new DownloadManifestEntry(path, size, actual, _revision, DateTimeOffset.UtcNow));
        await job.Manifest.SaveAsync(job.LocalPath, cancellationToken).ConfigureAwait(false);
    }

    private Uri BuildUri(string repoId, string path)
    {
        // repoId and path are validated to safe characters; escaping keeps the URL well-formed regardless.
        var escapedPath = string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
        return new Uri($"{_baseUrl}/{repoId}/resolve/{Uri.EscapeDataString(_revision)}/{escapedPath}");
    }

    private static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
            return Convert.ToHexStringLower(hash);
        }
    }

    /// <summary>An HTTP status worth retrying (408, 429, 5xx).</summary>
    private sealed class TransientStatusException(int statusCode, string message) : Exception(message)
    {
        public int StatusCode { get; } = statusCode;
    }
}
