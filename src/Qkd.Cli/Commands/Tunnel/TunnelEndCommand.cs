using System.CommandLine;
using Microsoft.Extensions.Logging;
using Qkd.Gateway.Etsi;
using Qkd.Gateway.Tunnel;

namespace Qkd.Cli.Commands.Tunnel;

/// <summary>`qkd tunnel listen` (edge, slave SAE) and `qkd tunnel connect` (plant, master SAE).</summary>
public static class TunnelEndCommand
{
    public static Command Create(TunnelRole role)
    {
        var listen = role == TunnelRole.Listen;
        var dev = new Option<string?>("--dev") { Description = "dev.json written by `qkd kms dev --dir DIR` (or give --config)" };
        var config = new Option<string?>("--config") { Description = "Tunnel configuration file (JSON, docs/tunnel.md); flags override it" };
        var sae = new Option<string?>("--sae") { Description = $"This end's SAE ID (default {(listen ? "SAE_B" : "SAE_A")})" };
        var peerSae = new Option<string?>("--peer-sae") { Description = $"The other end's SAE ID (default {(listen ? "SAE_A" : "SAE_B")})" };
        var first = new Option<string?>(listen ? "--listen" : "--local") { Description = listen ? "HOST:PORT to accept TLS connections on" : "HOST:PORT to accept plaintext TCP connections on" };
        var second = new Option<string?>(listen ? "--forward" : "--peer") { Description = listen ? "HOST:PORT of the service to carry connections to" : "HOST:PORT of the listening tunnel end" };
        var pskMode = listen
            ? CliOptions.Choice("--psk-mode", "TLS 1.3 PSK key exchange (default psk_dhe_ke; the listening end supports only it)", "psk_dhe_ke")
            : CliOptions.Choice("--psk-mode", "TLS 1.3 PSK key exchange (default psk_dhe_ke; psk_ke = QKD key only)", "psk_dhe_ke", "psk_ke");
        var suite = CliOptions.Choice("--suite", "Cipher suite (default aes256 = TLS_AES_256_GCM_SHA384; aes128 = TLS_AES_128_GCM_SHA256, what `openssl -psk` uses)", "aes256", "aes128");
        var groups = CliOptions.Choice("--groups", "psk_dhe_ke groups (default hybrid = X25519MLKEM768 first, then X25519, P-256; classic = X25519, P-256)", "hybrid", "classic");
        var rekey = CliOptions.Double("--rekey-s", "TLS KeyUpdate period, 0 = never (default 30, seed 002)", 0, 86400, "s");
        var streamMode = CliOptions.Choice("--stream-mode", "standard (default: one TLS 1.3 connection per carried connection, KeyUpdate only) or fresh-key (ours: the stream moves onto a new TLS connection under a new QKD key every --fresh-key-s; both ends must say so)", "standard", "fresh-key");
        var freshKey = CliOptions.Double("--fresh-key-s", "fresh-key streams: period of the fresh QKD key in a running stream (default 30, seed 002's one key per 30 s; the connecting end sets the pace)", 0.01, 86400, "s");
        var keyWait = CliOptions.Double("--key-wait-s", "How long a new connection waits for a QKD key before it is refused (default 10)", 0, 3600, "s");
        var duration = CliOptions.Double("--duration-s", "Stop after this long (default: until Ctrl-C)", 0.1, 1e7, "s");
        var json = CliOptions.Json();
        var cmd = new Command(listen ? "listen" : "connect", listen
            ? "Edge end: accept TLS 1.3 connections keyed by QKD keys (dec_keys by PSK identity) and forward them"
            : "Plant end: carry every local TCP connection to the edge in TLS 1.3 under a fresh QKD key (enc_keys)")
        {
            dev, config, sae, peerSae, first, second, pskMode, suite, groups, rekey, streamMode, freshKey, keyWait, duration, json,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            var file = parse.GetValue(config) is { } cfgPath ? TunnelConfigFile.Load(cfgPath) : null;
            var devPath = parse.GetValue(dev);
            var me = parse.GetValue(sae) ?? file?.Sae ?? (listen ? "SAE_B" : "SAE_A");
            var peer = parse.GetValue(peerSae) ?? file?.PeerSae ?? (listen ? "SAE_A" : "SAE_B");
            var credentials = devPath is not null ? DevNetworkFile.Load(devPath).Credentials(me) : file?.Credentials(me)
                ?? throw new UsageException("Give --dev DIR/dev.json or a --config file with a \"kme\" section: the tunnel needs its KME's URL and certificates.");
            var firstText = parse.GetValue(first) ?? (listen ? file?.Listen : file?.Local) ?? throw new UsageException($"{first.Name} HOST:PORT is required (or in --config).");
            var secondText = parse.GetValue(second) ?? (listen ? file?.Forward : file?.Peer) ?? throw new UsageException($"{second.Name} HOST:PORT is required (or in --config).");
            var settings = TunnelSettingsOf(parse.GetValue(pskMode) ?? file?.PskMode, parse.GetValue(suite) ?? file?.Suite, parse.GetValue(groups) ?? file?.Groups,
                parse.GetValue(rekey) ?? file?.RekeyS, parse.GetValue(keyWait) ?? file?.KeyWaitS, listen,
                parse.GetValue(streamMode) ?? file?.StreamMode, parse.GetValue(freshKey) ?? file?.FreshKeyS);
            var local = HostPort.ParseBindable(firstText, first.Name);
            var remote = HostPort.Parse(secondText, second.Name);

            using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Information));
            var logger = loggerFactory.CreateLogger("qkd.tunnel");
            using var kme = new EtsiKeyClient(credentials);
            var metrics = new TunnelMetrics();
            var keys = new TunnelKeySource(kme, peer, metrics, logger, TimeProvider.System);
            await using TunnelEndpoint end = listen
                ? new TunnelListener(local, remote, keys, settings, metrics, logger, TimeProvider.System)
                : new TunnelConnector(local, remote, keys, settings, metrics, logger, TimeProvider.System);
            end.Start();
            var error = parse.InvocationConfiguration.Error;
            error.WriteLine($"tunnel {(listen ? "listen" : "connect")}: {me} <-> {peer}, {end.LocalEndpoint} -> {remote}, {Describe(settings)}; Ctrl-C stops");
            using var stop = new CancellationTokenSource();
            await Gateway.GatewayCommand.RunForAsync(parse.GetValue(duration), stop, ct);
            var snapshot = metrics.Snapshot();
            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(o, new { role = listen ? "listen" : "connect", sae = me, peerSae = peer, address = end.LocalEndpoint.ToString(), metrics = snapshot });
            }
            else
            {
                o.WriteLine($"connections {snapshot.ConnectionsEstablished} established, {snapshot.ConnectionsRefused} refused; bytes out {snapshot.BytesOut}, in {snapshot.BytesIn}; " +
                    $"keys {snapshot.KeysConsumed}; key updates {snapshot.KeyUpdates}; fresh keys in streams {snapshot.FreshKeys} ({snapshot.FreshKeyFailures} failed); handshake p50 {snapshot.HandshakeP50Ms:F1} ms, p99 {snapshot.HandshakeP99Ms:F1} ms");
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>Builds validated settings from names as the flags and the config file spell them.</summary>
    internal static TunnelSettings TunnelSettingsOf(string? pskMode, string? suite, string? groups, double? rekeyS, double? keyWaitS, bool listen,
        string? streamMode = null, double? freshKeyS = null)
    {
        var freshKeyStreams = streamMode switch
        {
            null or "standard" => false,
            "fresh-key" => true,
            _ => throw new UsageException($"--stream-mode must be standard or fresh-key, but was '{streamMode}'."),
        };
        if (freshKeyS is < 0.01 or > 86400)
        {
            throw new UsageException($"--fresh-key-s must be within [0.01, 86400] s, but was {freshKeyS} s.");
        }
        var mode = pskMode switch
        {
            null or "psk_dhe_ke" => PskKeyExchange.PskDheKe,
            "psk_ke" when !listen => PskKeyExchange.PskKe,
            _ => throw new UsageException($"--psk-mode must be {(listen ? "psk_dhe_ke" : "psk_dhe_ke or psk_ke")}, but was '{pskMode}'."),
        };
        var s = suite switch
        {
            null or "aes256" => TunnelSuite.Aes256GcmSha384,
            "aes128" => TunnelSuite.Aes128GcmSha256,
            _ => throw new UsageException($"--suite must be aes256 or aes128, but was '{suite}'."),
        };
        var hybrid = groups switch
        {
            null or "hybrid" => true,
            "classic" => false,
            _ => throw new UsageException($"--groups must be hybrid or classic, but was '{groups}'."),
        };
        if (rekeyS is < 0 or > 86400 || keyWaitS is < 0 or > 3600)
        {
            throw new UsageException($"--rekey-s must be within [0, 86400] s and --key-wait-s within [0, 3600] s, but were {rekeyS} s and {keyWaitS} s.");
        }
        return new TunnelSettings
        {
            KeyExchange = mode,
            Suite = s,
            HybridMlKem = hybrid,
            RekeyInterval = TimeSpan.FromSeconds(rekeyS ?? 30),
            KeyWait = TimeSpan.FromSeconds(keyWaitS ?? 10),
            FreshKeyStreams = freshKeyStreams,
            FreshKeyInterval = TimeSpan.FromSeconds(freshKeyS ?? 30),
        }.Validated();
    }

    internal static string Describe(TunnelSettings s) =>
        $"TLS 1.3 {(s.Suite == TunnelSuite.Aes128GcmSha256 ? "TLS_AES_128_GCM_SHA256" : "TLS_AES_256_GCM_SHA384")}, " +
        $"{(s.KeyExchange == PskKeyExchange.PskKe ? "psk_ke" : s.HybridMlKem ? "psk_dhe_ke (X25519MLKEM768 first)" : "psk_dhe_ke (X25519)")}, " +
        $"KeyUpdate every {(s.RekeyInterval > TimeSpan.Zero ? $"{s.RekeyInterval.TotalSeconds} s" : "never")}" +
        (s.FreshKeyStreams ? $", fresh-key streams (ours; a new QKD key every {s.FreshKeyInterval.TotalSeconds} s, set by the connecting end)" : "");
}
