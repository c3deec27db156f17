using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Qkd.Gateway.Tunnel;

/// <summary>
/// Carries one TCP connection over one established TLS connection: two blocking copy loops (plaintext socket to
/// TLS, TLS to plaintext socket) on their own threads, 16 KiB chunks (one full TLS record), and a timer that
/// sends a TLS 1.3 KeyUpdate every <see cref="TunnelSettings.RekeyInterval"/>. Writes to the TLS side and
/// KeyUpdates share one lock, so the time a KeyUpdate holds it is the stall it costs the stream. When either
/// direction ends or fails, both are closed: nothing is ever written to the plaintext side that did not come
/// out of a verified TLS record, and nothing read from it goes anywhere but into TLS records.
/// </summary>
internal sealed class TunnelSession(long id, Socket plain, IKeyUpdatingProtocol tls, TunnelSettings settings, TunnelMetrics metrics, ILogger logger, TimeProvider time)
{
    public const int ChunkBytes = 16384;
    private readonly Lock _write = new();
    private bool _closed;
    private long _bytesOut;
    private long _bytesIn;
    private long _rekeys;

    /// <summary>Runs until the carried connection ends; blocks the calling thread.</summary>
    public void Run()
    {
        using var timer = settings.RekeyInterval > TimeSpan.Zero
            ? time.CreateTimer(_ => KeyUpdate(), null, settings.RekeyInterval, settings.RekeyInterval)
            : null;
        var inbound = Task.Factory.StartNew(TlsToPlain, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        PlainToTls();
        inbound.Wait();
        metrics.Closed();
        TunnelLog.SessionClosed(logger, id, _bytesOut, _bytesIn, _rekeys);
    }

    /// <summary>Sends a KeyUpdate now (also called by the timer); false once the session is closed.</summary>
    public bool KeyUpdate()
    {
        lock (_write)
        {
            if (_closed)
            {
                return false;
            }
            if (!SessionSteps.KeyUpdate(tls, id, metrics, logger))
            {
                return false;
            }
            _rekeys++;
            return true;
        }
    }

    private void PlainToTls()
    {
        var buffer = new byte[ChunkBytes];
        try
        {
            while (true)
            {
                var n = plain.Receive(buffer);
                if (n <= 0)
                {
                    break;
                }
                var start = Stopwatch.GetTimestamp();
                lock (_write)
                {
                    if (_closed)
                    {
                        break;
                    }
                    tls.Stream.Write(buffer, 0, n);
                }
                metrics.ForwardMs.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                metrics.AddOut(n);
                _bytesOut += n;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            Close();
        }
    }

    private void TlsToPlain()
    {
        var buffer = new byte[ChunkBytes];
        try
        {
            while (true)
            {
                var n = tls.Stream.Read(buffer, 0, buffer.Length);
                if (n <= 0)
                {
                    break;
                }
                SessionSteps.ToPlain(plain, buffer, n, metrics);
                _bytesIn += n;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            Close();
        }
    }

    private void Close()
    {
        lock (_write)
        {
            if (_closed)
            {
                return;
            }
            _closed = true;
        }
        try
        {
            tls.Close();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
        }
        SessionSteps.ClosePlain(plain);
    }
}
