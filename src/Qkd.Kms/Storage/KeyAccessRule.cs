namespace Qkd.Kms.Storage;

/// <summary>
/// The key-access rule of <c>dec_keys</c> (ETSI GS QKD 014 V1.1.1, clause 5.3), in one place for every store:
/// a key is the caller's only when it is still pending, was made for the master SAE the caller names, and
/// lists the caller among its slave SAEs. All or nothing: one refused key refuses the whole request (reported
/// before any missing key, so a caller learns it is not authorized rather than which keys exist), one
/// missing key makes it NotFound, otherwise every key is Taken in the order asked. A key of another master
/// counts as missing, so that a caller cannot probe key IDs it does not own. The stores only fetch the
/// pending rows (locking them), call <see cref="Decide"/>, and mark the keys delivered when it says Taken.
/// </summary>
public static class KeyAccessRule
{
    /// <summary>
    /// Decides a retrieval of <paramref name="keyIds"/> by <paramref name="callerSae"/> from the keys of
    /// <paramref name="masterSae"/>, given the <paramref name="pending"/> keys the store found among them
    /// (keys already delivered or expired are simply absent).
    /// </summary>
    public static TakeKeysResult Decide(IReadOnlyList<Guid> keyIds, IReadOnlyDictionary<Guid, PendingKey> pending, string masterSae, string callerSae)
    {
        ArgumentNullException.ThrowIfNull(keyIds);
        ArgumentNullException.ThrowIfNull(pending);
        var found = new List<PendingKey>(keyIds.Count);
        var missing = new List<Guid>();
        var refused = new List<Guid>();
        foreach (var id in keyIds)
        {
            if (!pending.TryGetValue(id, out var k) || !string.Equals(k.MasterSae, masterSae, StringComparison.Ordinal))
            {
                missing.Add(id);
            }
            else if (!k.SlaveSaes.Contains(callerSae, StringComparer.Ordinal))
            {
                refused.Add(id);
            }
            else
            {
                found.Add(k);
            }
        }
        if (refused.Count > 0)
        {
            return new TakeKeysResult.NotAuthorized(refused);
        }
        return missing.Count > 0 ? new TakeKeysResult.NotFound(missing) : new TakeKeysResult.Taken(found);
    }
}
