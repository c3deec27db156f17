using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Qkd.Kms.Etsi;
using Qkd.Kms.Observability;
using Qkd.Kms.Storage;
using Qkd.Kms.Tls;

namespace Qkd.Kms.Peering;

/// <summary>
/// KME-to-KME key transfer and the authenticated key-supply path of the QKD link devices
/// (docs/kms.md). Both sit on the same mutual-TLS port as the ETSI API and are kept out of the
/// OpenAPI document, which describes the ETSI routes only.
/// </summary>
public static class KmeEndpoints
{
    public static void MapKmeEndpoints(this IEndpointRouteBuilder app, KeyService keys, ILogger logger)
    {
        var kme = app.MapGroup("/kme/v1").ExcludeFromDescription();

        kme.MapPost("/keys", async (HttpContext ctx) =>
        {
            var cn = ctx.Connection.ClientCertificate is { } c ? CertificateTrust.CommonName(c) : "";
            if (!keys.Config.Peers.Any(p => p.KmeId == cn))
            {
                Log.Rejected(logger, cn, "/kme/v1/keys", 401, "not a linked KME");
                return EtsiEndpoints.Error(401, $"certificate CN '{cn}' is not a KME linked to {keys.Config.KmeId}");
            }
            KeyTransferDto? transfer;
            try
            {
                transfer = await JsonSerializer.DeserializeAsync<KeyTransferDto>(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            }
            catch (JsonException e)
            {
                return EtsiEndpoints.Error(400, $"key transfer is not valid JSON: {e.Message}");
            }
            if (transfer?.Keys is null || transfer.SlaveSaeIds is null || transfer.MasterSaeId is null || transfer.DestinationKmeId is null)
            {
                return EtsiEndpoints.Error(400, "key transfer needs master_SAE_ID, slave_SAE_IDs, destination_KME_ID and keys");
            }
            var outcome = await keys.ReceiveTransferAsync(cn, transfer, ctx.RequestAborted);
            return outcome switch
            {
                TransferOutcome.Accepted a => Results.Json(new { accepted = a.KeyCount }),
                TransferOutcome.Invalid i => EtsiEndpoints.Error(400, i.Reason),
                TransferOutcome.Conflict x => EtsiEndpoints.Error(409, x.Reason),
                TransferOutcome.Unavailable u => EtsiEndpoints.Error(503, u.Reason),
                _ => throw new InvalidOperationException("unknown outcome"),
            };
        });

        kme.MapPost("/supply/blocks", async (HttpContext ctx) =>
        {
            var cn = ctx.Connection.ClientCertificate is { } c ? CertificateTrust.CommonName(c) : "";
            var peer = keys.Config.Peers.FirstOrDefault(p => p.LinkDeviceCn is not null && p.LinkDeviceCn == cn);
            if (peer is null)
            {
                Log.Rejected(logger, cn, "/kme/v1/supply/blocks", 401, "not a configured QKD link device");
                return EtsiEndpoints.Error(401, $"certificate CN '{cn}' is not a QKD link device of {keys.Config.KmeId}");
            }
            KeyBlockDto? block;
            byte[] material;
            try
            {
                block = await JsonSerializer.DeserializeAsync<KeyBlockDto>(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
                material = Convert.FromBase64String(block?.Key ?? "");
            }
            catch (Exception e) when (e is JsonException or FormatException)
            {
                return EtsiEndpoints.Error(400, "key block must be JSON {\"block_ID\": UUID, \"key\": base64}");
            }
            try
            {
                var (result, units) = await keys.AcceptBlockAsync(peer.KmeId, block!.BlockId, material, ctx.RequestAborted);
                return result == AddBlockResult.PoolFull
                    ? EtsiEndpoints.Error(507, $"pool towards {peer.KmeId} is full (keys.maxPoolUnits {keys.Config.Keys.MaxPoolUnits}); block dropped")
                    : Results.Json(new KeyBlockReplyDto(result == AddBlockResult.Added ? "added" : "duplicate", units));
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(material);
            }
        });
    }
}
