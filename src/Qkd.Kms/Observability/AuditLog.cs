using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Qkd.Kms.Observability;

/// <summary>
/// Audit trail of every key delivery: operation, key IDs, SAE IDs, UTC time. Written to the logger
/// category "Qkd.Kms.Audit" and, when configured, appended as JSON lines to a file. Never key material.
/// </summary>
public sealed class AuditLog(ILogger logger, string? path, TimeProvider time)
{
    private readonly Lock _gate = new();

    public void Delivered(string operation, IReadOnlyList<Guid> keyIds, string callerSae, string masterSae, IReadOnlyList<string> slaveSaes, string route)
    {
        var ids = string.Join(",", keyIds);
        Log.Audit(logger, operation, keyIds.Count, ids, callerSae, masterSae, string.Join(",", slaveSaes), route);
        if (path is null)
        {
            return;
        }
        var line = JsonSerializer.Serialize(new
        {
            time = time.GetUtcNow(),
            operation,
            key_IDs = keyIds,
            sae = callerSae,
            master_SAE_ID = masterSae,
            slave_SAE_IDs = slaveSaes,
            route,
        });
        lock (_gate)
        {
            File.AppendAllText(path, line + "\n");
        }
    }
}
