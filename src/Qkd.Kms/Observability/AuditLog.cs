using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Qkd.Kms.Observability;

/// <summary>
/// Audit trail of every key delivery: operation, key IDs, SAE IDs, UTC time. Written to the logger
/// category "Qkd.Kms.Audit" and, when configured, appended as JSON lines to a file (kept open,
/// flushed per line). Never key material.
/// </summary>
public sealed class AuditLog : IDisposable
{
    private readonly Lock _gate = new();
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly StreamWriter? _file;

    public AuditLog(ILogger logger, string? path, TimeProvider time)
    {
        _logger = logger;
        _time = time;
        if (path is not null)
        {
            // 0600 from the start: key IDs and SAE IDs are for the operator only.
            _file = new StreamWriter(PrivateFile.Open(path, FileMode.Append, FileShare.ReadWrite)) { AutoFlush = true };
        }
    }

    public void Delivered(string operation, IReadOnlyList<Guid> keyIds, string callerSae, string masterSae, IReadOnlyList<string> slaveSaes, string route)
    {
        if (_logger.IsEnabled(LogLevel.Information))
        {
            Log.Audit(_logger, operation, keyIds.Count, string.Join(",", keyIds), callerSae, masterSae, string.Join(",", slaveSaes), route);
        }
        if (_file is null)
        {
            return;
        }
        var line = JsonSerializer.Serialize(new
        {
            time = _time.GetUtcNow(),
            operation,
            key_IDs = keyIds,
            sae = callerSae,
            master_SAE_ID = masterSae,
            slave_SAE_IDs = slaveSaes,
            route,
        });
        lock (_gate)
        {
            _file.WriteLine(line);
        }
    }

    /// <summary>The peer refused key notices of these keys (served here, never fetchable there); kept in the outbox.</summary>
    public void NoticesRefused(string peer, IReadOnlyList<Guid> keyIds, int refused)
    {
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            Log.Audit(_logger, "notices_refused", refused, string.Join(",", keyIds), peer, "", "", peer);
        }
        if (_file is null)
        {
            return;
        }
        var line = JsonSerializer.Serialize(new { time = _time.GetUtcNow(), operation = "notices_refused", peer_KME_ID = peer, refused, key_IDs = keyIds });
        lock (_gate)
        {
            _file.WriteLine(line);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _file?.Dispose();
        }
    }
}
