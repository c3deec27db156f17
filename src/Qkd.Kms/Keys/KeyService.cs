using System.Security.Cryptography;
using Qkd.Kms.Config;
using Qkd.Kms.Observability;
using Qkd.Kms.Peering;
using Qkd.Kms.Storage;

namespace Qkd.Kms.Keys;

/// <summary>
/// What a KME does with keys (docs/kms.md), as the endpoints see it: one door in front of the named
/// services that do the work, composed by <see cref="KmsHost"/>. <c>enc_keys</c> goes to the
/// <see cref="DirectLinkKeyService"/> when the slave's KME is a direct peer and to the
/// <see cref="RelayedRouteKeyService"/> otherwise (multicast copies through the <see cref="RelayService"/>);
/// <c>dec_keys</c> to the <see cref="SlaveKeyService"/>; what peers send to the <see cref="TransferReceiver"/>
/// and <see cref="KeyLeases"/>; blocks and expiry to the <see cref="LinkPoolService"/>. This type routes and
/// owns no state of its own.
/// </summary>
public sealed class KeyService(
    KmsConfig config,
    SaeRoutingTable routes,
    LinkPoolService pools,
    KeyLeases leases,
    DirectLinkKeyService direct,
    RelayedRouteKeyService relayed,
    RelayService relay,
    TransferReceiver transfers,
    SlaveKeyService slaves,
    AuditLog audit) : IDisposable
{
    public KmsConfig Config => config;

    /// <summary>Where SAEs and KMEs are.</summary>
    public SaeRoutingTable Routes => routes;

    /// <inheritdoc cref="SaeRoutingTable.LocalSaeByCn"/>
    public string? LocalSaeByCn(string cn) => routes.LocalSaeByCn(cn);

    /// <inheritdoc cref="SaeRoutingTable.KmeOfSae"/>
    public string? KmeOfSae(string sae) => routes.KmeOfSae(sae);

    /// <inheritdoc cref="SaeRoutingTable.NextHop"/>
    public string? NextHop(string kme) => routes.NextHop(kme);

    /// <inheritdoc cref="SaeRoutingTable.TakesNewestFrom"/>
    public bool TakesNewestFrom(string peer) => routes.TakesNewestFrom(peer);

    /// <inheritdoc cref="LinkPoolService.ServableUnitsAsync"/>
    public Task<long> ServableUnitsAsync(string peer, CancellationToken ct) => pools.ServableUnitsAsync(peer, ct);

    /// <inheritdoc cref="LinkPoolService.StoredKeyCountAsync"/>
    public Task<long> StoredKeyCountAsync(string peer, int sizeBits, CancellationToken ct) => pools.StoredKeyCountAsync(peer, sizeBits, ct);

    /// <summary>
    /// <c>enc_keys</c>. Direct link: take leased units and write the key notice in one local
    /// transaction (docs/kms.md "Key leases"). Relayed route: reserve, tell the next KME, then hand out
    /// (or discard on any doubt); concurrent requests for the same (master, slave) pair are coalesced
    /// (group commit, docs/kms.md "Group commit"): one reservation transaction, one KME-to-KME call and
    /// one finishing transaction serve the whole group, with the same guarantees as one request.
    /// </summary>
    public Task<EncOutcome> GetKeysAsync(string masterSae, string slaveSae, int number, int sizeBits, CancellationToken ct)
    {
        var (request, next, destination) = Route(masterSae, slaveSae, number, sizeBits);
        return next == destination ? direct.ServeAsync(request, next) : relayed.SubmitAsync(request, next, destination, ct);
    }

    /// <summary>
    /// <c>enc_keys</c> with additional slaves (ETSI GS QKD 014 clause 6.2, multicast): the keys are served to
    /// the master only after every KME of a slave holds them, each slave fetching them with <c>dec_keys</c> at
    /// its own KME. The slave's KME gets them as for a plain request; every other slave's KME gets a copy, each
    /// key one-time-pad encrypted with units of the link towards it and relayed hop by hop like any transfer.
    /// The endpoint has checked that every slave is known, at a different KME, and not attached here. If a copy
    /// is not confirmed, nothing is served (the keys already noticed at other KMEs are never fetched and expire).
    /// </summary>
    public async Task<EncOutcome> GetMulticastKeysAsync(string masterSae, string slaveSae, IReadOnlyList<string> additionalSlaves, int number, int sizeBits, CancellationToken ct)
    {
        var (request, next, destination) = Route(masterSae, slaveSae, number, sizeBits);
        var primary = next == destination ? await direct.ServeAsync(request, next) : await relayed.ServeOneAsync(request, next, destination);
        if (primary is not EncOutcome.Served served)
        {
            return primary;
        }
        foreach (var extra in additionalSlaves)
        {
            var kme = routes.KmeOfSae(extra)!;
            if (await relay.SendCopyAsync(served.Keys, masterSae, extra, kme, sizeBits, ct) is { } failure)
            {
                foreach (var k in served.Keys)
                {
                    CryptographicOperations.ZeroMemory(k.Material);
                }
                return new EncOutcome.Unavailable($"the copy of the keys for additional slave {extra} was not confirmed ({failure}); no key was served");
            }
        }
        audit.Delivered("enc_keys_multicast", served.Keys.Select(k => k.KeyId).ToList(), masterSae, masterSae, [slaveSae, .. additionalSlaves], destination);
        return served;
    }

    /// <summary>The request, the next hop and the slave's KME of an <c>enc_keys</c> call whose slave the endpoint validated.</summary>
    private (EncRequest Request, string Next, string Destination) Route(string masterSae, string slaveSae, int number, int sizeBits)
    {
        var destination = routes.KmeOfSae(slaveSae) ?? throw new InvalidOperationException("slave SAE was validated by the endpoint");
        return (new EncRequest(masterSae, [slaveSae], number, sizeBits), routes.NextHop(destination)!, destination);
    }

    /// <inheritdoc cref="SlaveKeyService.GetKeysWithIdsAsync"/>
    public Task<DecOutcome> GetKeysWithIdsAsync(string callerSae, string masterSae, IReadOnlyList<Guid> keyIds, CancellationToken ct)
        => slaves.GetKeysWithIdsAsync(callerSae, masterSae, keyIds, ct);

    /// <inheritdoc cref="TransferReceiver.ReceiveTransferAsync"/>
    public Task<TransferOutcome> ReceiveTransferAsync(string fromKme, KeyTransferDto transfer, CancellationToken ct)
        => transfers.ReceiveTransferAsync(fromKme, transfer, ct);

    /// <inheritdoc cref="TransferReceiver.ReceiveNoticesAsync"/>
    public Task<NoticesReplyDto> ReceiveNoticesAsync(string fromKme, NoticesDto notices, CancellationToken ct)
        => transfers.ReceiveNoticesAsync(fromKme, notices, ct);

    /// <inheritdoc cref="KeyLeases.GrantLeaseAsync"/>
    public Task<TransferOutcome> GrantLeaseAsync(string fromKme, LeaseDto lease, CancellationToken ct) => leases.GrantLeaseAsync(fromKme, lease, ct);

    /// <inheritdoc cref="KeyLeases.FlushNoticesAsync"/>
    public Task<bool> FlushNoticesAsync(string peer, CancellationToken ct) => leases.FlushNoticesAsync(peer, ct);

    /// <inheritdoc cref="LinkPoolService.AcceptBlockAsync"/>
    public Task<(AddBlockResult Result, int Units)> AcceptBlockAsync(string peer, Guid blockId, byte[] key, CancellationToken ct)
        => pools.AcceptBlockAsync(peer, blockId, key, ct);

    /// <inheritdoc cref="LinkPoolService.SweepAsync"/>
    public Task<ExpiryResult> SweepAsync(CancellationToken ct) => pools.SweepAsync(ct);

    /// <summary>Stops the group workers once the queued requests are served (the host stopped taking requests), and the notice senders.</summary>
    public void Dispose()
    {
        relayed.Dispose();
        leases.Dispose();
    }
}
