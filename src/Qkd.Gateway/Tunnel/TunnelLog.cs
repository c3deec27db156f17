using Microsoft.Extensions.Logging;

namespace Qkd.Gateway.Tunnel;

/// <summary>Source-generated log messages of the tunnel. Key IDs only; never key material.</summary>
internal static partial class TunnelLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Tunnel connection {Connection} from {Remote}: TLS 1.3 up with key {KeyId} ({Mode}, group {Group}) in {HandshakeMs} ms")]
    public static partial void SessionUp(ILogger logger, long connection, string remote, Guid keyId, PskKeyExchange mode, string group, double handshakeMs);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Tunnel connection {Connection} from {Remote} refused: {Reason}; nothing forwarded")]
    public static partial void SessionRefused(ILogger logger, long connection, string remote, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Tunnel connection {Connection} closed: {BytesOut} bytes out, {BytesIn} bytes in, {Rekeys} key updates")]
    public static partial void SessionClosed(ILogger logger, long connection, long bytesOut, long bytesIn, long rekeys);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "KME refused a tunnel key for {PeerSae} ({StatusCode}: {Reason}); the connection waits")]
    public static partial void KeyRefused(ILogger logger, string peerSae, int statusCode, string reason);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "KME unreachable for tunnel key ({PeerSae}): {Reason}; the connection waits")]
    public static partial void KmeError(ILogger logger, string peerSae, string reason);

    [LoggerMessage(EventId = 106, Level = LogLevel.Debug, Message = "Tunnel connection {Connection}: TLS KeyUpdate sent in {DurationMs} ms")]
    public static partial void KeyUpdated(ILogger logger, long connection, double durationMs);

    [LoggerMessage(EventId = 107, Level = LogLevel.Information, Message = "Tunnel connection {Connection}: moved to segment {Segment} under fresh key {KeyId} (switch held {DurationMs} ms)")]
    public static partial void FreshKey(ILogger logger, long connection, uint segment, Guid keyId, double durationMs);

    [LoggerMessage(EventId = 108, Level = LogLevel.Warning, Message = "Tunnel connection {Connection}: no fresh key this time ({Reason}); the stream stays on its current TLS session")]
    public static partial void FreshKeyFailed(ILogger logger, long connection, string reason);
}
