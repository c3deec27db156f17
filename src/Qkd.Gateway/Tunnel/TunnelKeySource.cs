using Microsoft.Extensions.Logging;
using Qkd.Gateway.Etsi;

namespace Qkd.Gateway.Tunnel;

/// <summary>
/// Where a tunnel end gets its QKD keys over ETSI GS QKD 014: the master (connect side) asks enc_keys for one
/// 256-bit key per TLS connection; the slave (listen side) asks dec_keys for the key the client named. A refusal
/// or an unreachable KME is retried every <see cref="RetryInterval"/> until the wait ends; then the connection
/// fails (no key, no traffic).
/// </summary>
public sealed class TunnelKeySource(EtsiKeyClient kme, string peerSae, TunnelMetrics metrics, ILogger logger, TimeProvider time)
{
    public const int KeySizeBits = 256;
    public static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>A fresh key shared with the peer SAE (master role), or null when none came within <paramref name="wait"/>.</summary>
    public Task<QkdKey?> NextKeyAsync(TimeSpan wait, CancellationToken ct)
        => FetchAsync(() => kme.EncKeysAsync(peerSae, 1, KeySizeBits, ct), wait, ct);

    /// <summary>The key <paramref name="keyId"/> of the peer (master) SAE (slave role), or null when refused until <paramref name="wait"/>.</summary>
    public Task<QkdKey?> KeyByIdAsync(Guid keyId, TimeSpan wait, CancellationToken ct)
        => FetchAsync(() => kme.DecKeysAsync(peerSae, [keyId], ct), wait, ct);

    private async Task<QkdKey?> FetchAsync(Func<Task<KeyFetch>> fetch, TimeSpan wait, CancellationToken ct)
    {
        var deadline = time.GetTimestamp() + (long)(wait.TotalSeconds * time.TimestampFrequency);
        while (true)
        {
            try
            {
                switch (await fetch().ConfigureAwait(false))
                {
                    case KeyFetch.Delivered { Keys.Count: > 0 } d:
                        for (var i = 1; i < d.Keys.Count; i++)
                        {
                            d.Keys[i].Dispose();
                        }
                        metrics.KeyConsumed();
                        return d.Keys[0];
                    case KeyFetch.Refused r:
                        TunnelLog.KeyRefused(logger, peerSae, r.StatusCode, r.Message);
                        break;
                }
            }
            catch (HttpRequestException e)
            {
                TunnelLog.KmeError(logger, peerSae, e.Message);
            }
            catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
            {
                TunnelLog.KmeError(logger, peerSae, e.Message);
            }
            if (time.GetTimestamp() + (long)(RetryInterval.TotalSeconds * time.TimestampFrequency) > deadline)
            {
                return null;
            }
            await Task.Delay(RetryInterval, time, ct).ConfigureAwait(false);
        }
    }
}
