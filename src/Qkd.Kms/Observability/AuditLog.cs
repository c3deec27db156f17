using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Qkd.Kms.Observability;

/// <summary>
/// Audit trail of every key delivery: operation, key IDs, SAE IDs, UTC time. Written to the logger
/// category "Qkd.Kms.Audit" and, when configured, appended as JSON lines to a file (kept open,
/// flushed per line). Never key material. A line is written with one reused <see cref="Utf8JsonWriter"/>
/// under the file's lock (no serializer, no per-line strings: it is on every enc_keys request's path).
/// </summary>
public sealed class AuditLog : IDisposable
{
    private readonly Lock _gate = new();
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly FileStream? _file;
    private readonly ArrayBufferWriter<byte> _line = new(512);
    private readonly Utf8JsonWriter _json;

    public AuditLog(ILogger logger, string? path, TimeProvider time)
    {
        _logger = logger;
        _time = time;
        if (path is not null)
        {
            // 0600 from the start: key IDs and SAE IDs are for the operator only.
            _file = PrivateFile.Open(path, FileMode.Append, FileShare.ReadWrite);
        }
        _json = new Utf8JsonWriter(_line);
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
        lock (_gate)
        {
            var w = Begin(operation);
            WriteIds(w, "key_IDs", keyIds);
            w.WriteString("sae", callerSae);
            w.WriteString("master_SAE_ID", masterSae);
            w.WriteStartArray("slave_SAE_IDs");
            foreach (var s in slaveSaes)
            {
                w.WriteStringValue(s);
            }
            w.WriteEndArray();
            w.WriteString("route", route);
            End(w);
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
        lock (_gate)
        {
            var w = Begin("notices_refused");
            w.WriteString("peer_KME_ID", peer);
            w.WriteNumber("refused", refused);
            WriteIds(w, "key_IDs", keyIds);
            End(w);
        }
    }

    /// <summary>Starts a line: {"time": now, "operation": ...; the caller holds the lock.</summary>
    private Utf8JsonWriter Begin(string operation)
    {
        _line.ResetWrittenCount();
        _json.Reset();
        _json.WriteStartObject();
        _json.WriteString("time", _time.GetUtcNow());
        _json.WriteString("operation", operation);
        return _json;
    }

    private static void WriteIds(Utf8JsonWriter w, string name, IReadOnlyList<Guid> ids)
    {
        w.WriteStartArray(name);
        foreach (var id in ids)
        {
            w.WriteStringValue(id);
        }
        w.WriteEndArray();
    }

    /// <summary>Ends the line and appends it to the file, flushed (one write per line, as before).</summary>
    private void End(Utf8JsonWriter w)
    {
        w.WriteEndObject();
        w.Flush();
        _line.Write("\n"u8);
        _file!.Write(_line.WrittenSpan);
        _file.Flush();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _json.Dispose();
            _file?.Dispose();
        }
    }
}
