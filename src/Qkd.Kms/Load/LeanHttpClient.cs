using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Qkd.Kms.Tls;

namespace Qkd.Kms.Load;

/// <summary>
/// The load generator's own HTTP/1.1 client over mutual TLS: a fixed set of keep-alive connections, one
/// request in flight per connection, the same request bytes every time (RFC 9112 framing, parsed by
/// <see cref="Http11Response"/>). The dispatch thread writes a request straight onto an idle connection at its
/// scheduled time; each connection's read loop completes it when the response is in and takes the next queued
/// request, if any. Nothing is allocated per request, so the generator's own collections and thread hops stay
/// out of the latencies it measures (docs/kms.md "Measured", eleventh round). Responses are wiped after parsing;
/// key material is never kept or printed.
/// </summary>
internal sealed class LeanHttpClient : IDisposable
{
    private const int ReopenAttempts = 3;

    /// <summary>Longest a reconnection (TCP and TLS) may take before it counts as failed.</summary>
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(5);

    private readonly Uri _url;
    private readonly X509Certificate2 _cert;
    private readonly CertificateTrust _trust;
    private readonly byte[] _request;
    private readonly Lock _gate = new();
    private readonly Stack<Connection> _idle = new();
    private readonly Queue<long> _backlog = new();
    private readonly List<Connection> _all = [];
    private Action<long, int> _completed = static (_, _) => { };
    private int _live;
    private bool _disposed;

    private LeanHttpClient(Uri url, X509Certificate2 cert, CertificateTrust trust, byte[] request)
    {
        _url = url;
        _cert = cert;
        _trust = trust;
        _request = request;
    }

    /// <summary>Opens <paramref name="connections"/> connections (TLS handshakes done) that POST <paramref name="body"/> to <paramref name="path"/>.</summary>
    public static async Task<LeanHttpClient> ConnectAsync(Uri url, X509Certificate2 cert, CertificateTrust trust, string path, string body, int connections, CancellationToken ct)
    {
        var bodyBytes = Encoding.UTF8.GetBytes(body);
        var head = $"POST {path} HTTP/1.1\r\nHost: {url.Authority}\r\nContent-Type: application/json\r\nContent-Length: {bodyBytes.Length}\r\n\r\n";
        var client = new LeanHttpClient(url, cert, trust, [.. Encoding.ASCII.GetBytes(head), .. bodyBytes]);
        try
        {
            for (var i = 0; i < connections; i++)
            {
                var c = new Connection(client);
                try
                {
                    await c.OpenAsync(ct);
                }
                catch (Exception e) when (e is SocketException or IOException or AuthenticationException)
                {
                    throw new HttpRequestException($"cannot open a connection to {url}: {e.Message}", e);
                }
                client._all.Add(c);
                client._idle.Push(c);
                client._live++;
                _ = c.ReadLoopAsync();
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }
        return client;
    }

    /// <summary>Where each request's outcome goes: (request index, HTTP status or 0 when it failed), on a connection's read loop.</summary>
    public void OnCompleted(Action<long, int> completed) => Volatile.Write(ref _completed, completed);

    /// <summary>Sends request <paramref name="index"/> now on an idle connection, or queues it until one is free.</summary>
    public void Send(long index)
    {
        Connection? c = null;
        lock (_gate)
        {
            if (_live > 0)
            {
                // A connection that broke while idle is still in the stack: skip it (it comes back when reopened).
                while (_idle.TryPop(out c) && c.Broken)
                {
                }
                if (c is null || c.Broken)
                {
                    _backlog.Enqueue(index);
                    return;
                }
                c.Assign(index);
            }
        }
        if (c is null)
        {
            _completed(index, 0);
        }
        else
        {
            c.Write();
        }
    }

    /// <summary>A connection finished its request: it takes the next queued one or goes back to the idle ones.</summary>
    private void Released(Connection c)
    {
        lock (_gate)
        {
            if (c.Broken)
            {
                return;
            }
            if (!_backlog.TryDequeue(out var next))
            {
                _idle.Push(c);
                return;
            }
            c.Assign(next);
        }
        c.Write();
    }

    /// <summary>Takes a broken connection out of the idle ones (it may have broken while idle).</summary>
    private void Withdraw(Connection c)
    {
        lock (_gate)
        {
            if (_idle.Contains(c))
            {
                var others = _idle.Where(x => x != c).Reverse().ToArray();
                _idle.Clear();
                foreach (var x in others)
                {
                    _idle.Push(x);
                }
            }
        }
    }

    /// <summary>A connection is gone for good: when none is left, every queued request fails at once.</summary>
    private void Lost()
    {
        long[] failed;
        lock (_gate)
        {
            if (--_live > 0)
            {
                return;
            }
            failed = [.. _backlog];
            _backlog.Clear();
        }
        foreach (var i in failed)
        {
            _completed(i, 0);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }
        foreach (var c in _all)
        {
            c.Close();
        }
    }

    /// <summary>One keep-alive TLS connection with at most one request in flight.</summary>
    private sealed class Connection(LeanHttpClient owner)
    {
        private Socket? _socket;
        private SslStream? _ssl;
        private byte[] _buffer = new byte[16 * 1024];
        private int _filled;
        private long _current = -1;

        public async Task OpenAsync(CancellationToken ct)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(owner._url.IdnHost, owner._url.Port, ct);
                var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true));
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = owner._url.IdnHost,
                    ClientCertificates = [owner._cert],
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    ApplicationProtocols = [SslApplicationProtocol.Http11],
                    RemoteCertificateValidationCallback = (_, c, _, errors) => c is X509Certificate2 x
                        && errors is SslPolicyErrors.None or SslPolicyErrors.RemoteCertificateChainErrors && owner._trust.IsValidServer(x),
                }, ct);
                _socket = socket;
                _ssl = ssl;
                _filled = 0;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        /// <summary>Broken and not yet reopened (guarded by the owner's gate): no request is assigned to it.</summary>
        public bool Broken { get; private set; }

        /// <summary>Makes request <paramref name="index"/> this connection's (under the owner's gate).</summary>
        public void Assign(long index) => Volatile.Write(ref _current, index);

        /// <summary>Writes the assigned request (on the caller's thread); a failed write fails the request.</summary>
        public void Write()
        {
            try
            {
                _ssl!.Write(owner._request);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // The read loop sees the broken connection too and reopens it.
                Fail();
                _socket?.Dispose();
            }
        }

        public async Task ReadLoopAsync()
        {
            while (true)
            {
                var ok = await ReadResponsesAsync();
                if (ok || !await ReopenAsync())
                {
                    return;
                }
            }
        }

        /// <summary>Reads responses until the connection breaks (false) or is closed by the generator (true).</summary>
        private async Task<bool> ReadResponsesAsync()
        {
            var ssl = _ssl!;
            try
            {
                while (true)
                {
                    if (_filled == _buffer.Length)
                    {
                        var larger = new byte[_buffer.Length * 2];
                        _buffer.CopyTo(larger, 0);
                        CryptographicOperations.ZeroMemory(_buffer);
                        _buffer = larger;
                    }
                    var n = await ssl.ReadAsync(_buffer.AsMemory(_filled));
                    if (n == 0)
                    {
                        Fail();
                        return false;
                    }
                    _filled += n;
                    while (Http11Response.TryParse(_buffer.AsSpan(0, _filled), out var response))
                    {
                        Consume(response.Length);
                        var index = Interlocked.Exchange(ref _current, -1);
                        if (index < 0)
                        {
                            throw new InvalidDataException("a response without a request");
                        }
                        owner._completed(index, response.Status);
                        if (response.Close)
                        {
                            return false;
                        }
                        owner.Released(this);
                    }
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidDataException or SocketException)
            {
                Fail();
                lock (owner._gate)
                {
                    return owner._disposed;
                }
            }
        }

        /// <summary>Drops the first <paramref name="length"/> bytes (a response, key material in it) and wipes them.</summary>
        private void Consume(int length)
        {
            var rest = _filled - length;
            _buffer.AsSpan(length, rest).CopyTo(_buffer);
            CryptographicOperations.ZeroMemory(_buffer.AsSpan(rest, _filled - rest));
            _filled = rest;
        }

        /// <summary>Marks the connection broken and fails its request, if any (both under the gate, so none is assigned after).</summary>
        private void Fail()
        {
            long index;
            lock (owner._gate)
            {
                Broken = true;
                index = Interlocked.Exchange(ref _current, -1);
            }
            if (index >= 0)
            {
                owner._completed(index, 0);
            }
        }

        /// <summary>A new connection in place of a broken one (a few attempts), back among the idle ones; false when none came.</summary>
        private async Task<bool> ReopenAsync()
        {
            Close();
            owner.Withdraw(this);
            for (var attempt = 0; attempt < ReopenAttempts; attempt++)
            {
                lock (owner._gate)
                {
                    if (owner._disposed)
                    {
                        break;
                    }
                }
                try
                {
                    using var timeout = new CancellationTokenSource(HandshakeTimeout);
                    await OpenAsync(timeout.Token);
                    lock (owner._gate)
                    {
                        Broken = false;
                    }
                    owner.Released(this);
                    return true;
                }
                catch (Exception e) when (e is IOException or SocketException or AuthenticationException or OperationCanceledException)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200));
                }
            }
            owner.Lost();
            return false;
        }

        public void Close()
        {
            _ssl?.Dispose();
            _socket?.Dispose();
            CryptographicOperations.ZeroMemory(_buffer.AsSpan(0, _filled));
            _filled = 0;
        }
    }
}
