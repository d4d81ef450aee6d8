using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LlamaDb.Embedders.Onnx.Tests.Hub;

/// <summary>One request the <see cref="HubTestServer"/> received.</summary>
internal sealed record RecordedRequest(string Method, string Repo, string Revision, string FilePath, string? Range, string? Authorization);

/// <summary>
/// A minimal HTTP/1.1 hub on 127.0.0.1 (TcpListener, one request per connection) serving a folder under
/// <c>/{owner}/{name}/resolve/{revision}/{path}</c>, with Range support, a request log and scripted failures.
/// </summary>
internal sealed class HubTestServer : IAsyncDisposable
{
    private readonly string _root;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly List<Task> _connections = [];
    private readonly List<RecordedRequest> _requests = [];
    private readonly Dictionary<string, string> _aliases = new(StringComparer.Ordinal);
    private readonly HashSet<string> _hidden = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _fixedStatus = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Remaining, int Status)> _failures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Remaining, long AfterBytes)> _cuts = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public HubTestServer(string root)
    {
        _root = root;
        _listener = new TcpListener(IPAddress.Loopback, 0); // port 0: the OS picks a free port, no retries needed
        _listener.Start();
        var port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        _acceptLoop = AcceptLoopAsync();
    }

    public Uri BaseUrl { get; }

    /// <summary>Gets or sets whether Range headers are ignored (a full 200 answer, like a server without range support).</summary>
    public bool IgnoreRange { get; set; }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public int CountGets(string filePath) => Requests.Count(r => r.Method == "GET" && r.FilePath == filePath);

    /// <summary>Serves <paramref name="filePath"/> from <paramref name="sourcePath"/> in the root folder.</summary>
    public void Alias(string filePath, string sourcePath)
    {
        lock (_gate)
        {
            _aliases[filePath] = sourcePath;
        }
    }

    /// <summary>Answers 404 for <paramref name="filePath"/> even though it exists in the root folder.</summary>
    public void Hide(string filePath)
    {
        lock (_gate)
        {
            _hidden.Add(filePath);
        }
    }

    /// <summary>Always answers <paramref name="status"/> for <paramref name="filePath"/>.</summary>
    public void AlwaysRespond(string filePath, int status)
    {
        lock (_gate)
        {
            _fixedStatus[filePath] = status;
        }
    }

    /// <summary>Answers the next <paramref name="count"/> requests for <paramref name="filePath"/> with <paramref name="status"/>.</summary>
    public void FailFirst(string filePath, int count, int status = 503)
    {
        lock (_gate)
        {
            _failures[filePath] = (count, status);
        }
    }

    /// <summary>For the next <paramref name="count"/> requests, sends full headers but closes after <paramref name="afterBytes"/> body bytes.</summary>
    public void CutFirst(string filePath, int count, long afterBytes)
    {
        lock (_gate)
        {
            _cuts[filePath] = (count, afterBytes);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }

        Task[] pending;
        lock (_gate)
        {
            pending = [.. _connections];
        }

        await Task.WhenAll(pending);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_gate)
            {
                _connections.Add(HandleAsync(client));
            }
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                if (head is null)
                {
                    return;
                }

                await RespondAsync(stream, head);
                client.Client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                // The client went away (for example after a cancellation); nothing to answer.
            }
        }
    }

    private async Task<string?> ReadHeadAsync(NetworkStream stream)
    {
        var buffer = new byte[16 * 1024];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), _stop.Token);
            if (read == 0)
            {
                return null;
            }

            length += read;
            var text = Encoding.ASCII.GetString(buffer, 0, length);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                return text[..end];
            }
        }

        return null;
    }

    private async Task RespondAsync(NetworkStream stream, string head)
    {
        var lines = head.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        var method = requestLine[0];
        var target = requestLine[1];
        string? range = null;
        string? authorization = null;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Range", StringComparison.OrdinalIgnoreCase))
            {
                range = value;
            }
            else if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                authorization = value;
            }
        }

        var marker = target.IndexOf("/resolve/", StringComparison.Ordinal);
        if (marker < 0)
        {
            await WriteStatusAsync(stream, 400);
            return;
        }

        var repo = target[1..marker];
        var rest = target[(marker + "/resolve/".Length)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var revision = Uri.UnescapeDataString(rest[..slash]);
        var filePath = string.Join('/', rest[(slash + 1)..].Split('/').Select(Uri.UnescapeDataString));

        string? sourcePath;
        int? forcedStatus = null;
        (int Remaining, long AfterBytes) cut = default;
        lock (_gate)
        {
            _requests.Add(new RecordedRequest(method, repo, revision, filePath, range, authorization));
            if (_fixedStatus.TryGetValue(filePath, out var fixedStatus))
            {
                forcedStatus = fixedStatus;
            }
            else if (_failures.TryGetValue(filePath, out var failure) && failure.Remaining > 0)
            {
                _failures[filePath] = (failure.Remaining - 1, failure.Status);
                forcedStatus = failure.Status;
            }
            else if (_cuts.TryGetValue(filePath, out var pendingCut) && pendingCut.Remaining > 0)
            {
                _cuts[filePath] = (pendingCut.Remaining - 1, pendingCut.AfterBytes);
                cut = pendingCut;
            }

            sourcePath = _hidden.Contains(filePath) ? null : _aliases.GetValueOrDefault(filePath, filePath);
        }

        if (forcedStatus is not null)
        {
            await WriteStatusAsync(stream, forcedStatus.Value);
            return;
        }

        var fullPath = sourcePath is null ? null : Path.Combine(_root, sourcePath);
        if (method != "GET" || fullPath is null || !File.Exists(fullPath))
        {
            await WriteStatusAsync(stream, method == "GET" ? 404 : 405);
            return;
        }

        var content = await File.ReadAllBytesAsync(fullPath);
        long start = 0;
        var status = 200;
        var extraHeaders = string.Empty;
        if (!IgnoreRange && range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            start = long.Parse(range["bytes=".Length..^1], CultureInfo.InvariantCulture);
            if (start >= content.Length)
            {
                await WriteStatusAsync(stream, 416, $"Content-Range: bytes */{content.Length}\r\n");
                return;
            }

            status = 206;
            extraHeaders = $"Content-Range: bytes {start}-{content.Length - 1}/{content.Length}\r\n";
        }

        var body = content.AsMemory((int)start);
        var header = $"HTTP/1.1 {status} {Reason(status)}\r\nContent-Length: {body.Length}\r\nContent-Type: application/octet-stream\r\n" +
            $"Accept-Ranges: bytes\r\n{extraHeaders}Connection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(header), _stop.Token);
        if (cut.Remaining > 0)
        {
            body = body[..(int)Math.Min(cut.AfterBytes, body.Length)];
        }

        await stream.WriteAsync(body, _stop.Token);
        await stream.FlushAsync(_stop.Token);
    }

    private async Task WriteStatusAsync(NetworkStream stream, int status, string extraHeaders = "")
    {
        var header = $"HTTP/1.1 {status} {Reason(status)}\r\nContent-Length: 0\r\n{extraHeaders}Connection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(header), _stop.Token);
        await stream.FlushAsync(_stop.Token);
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        206 => "Partial Content",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        416 => "Range Not Satisfiable",
        503 => "Service Unavailable",
        _ => "Status",
    };
}
