using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Qkd.Kms.Etsi;
using Qkd.Kms.Keys;
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
    public static void MapKmeEndpoints(this IEndpointRouteBuilder app, KeyService keys, ClientIdentities identities, ILogger logger)
    {
        var kme = app.MapGroup("/kme/v1").ExcludeFromDescription();

        kme.MapPost("/keys", async (HttpContext ctx) =>
        {
            if (LinkedKme(ctx, identities, logger, "/kme/v1/keys") is not { } cn)
            {
                return EtsiEndpoints.Error(401, "the client certificate is not a KME linked to " + keys.Config.KmeId);
            }
            var (transfer, bad) = await ReadAsync<KeyTransferDto>(ctx, "key transfer",
                t => t.Keys is not null && t.SlaveSaeIds is not null && t.MasterSaeId is not null && t.DestinationKmeId is not null,
                "master_SAE_ID, slave_SAE_IDs, destination_KME_ID and keys");
            return bad ?? Answer(await keys.ReceiveTransferAsync(cn, transfer!, ctx.RequestAborted), n => new { accepted = n });
        });

        kme.MapPost("/leases", async (HttpContext ctx) =>
        {
            if (LinkedKme(ctx, identities, logger, "/kme/v1/leases") is not { } cn)
            {
                return EtsiEndpoints.Error(401, "the client certificate is not a KME linked to " + keys.Config.KmeId);
            }
            var (lease, bad) = await ReadAsync<LeaseDto>(ctx, "lease", l => l.Units is not null, "lease_ID and units");
            return bad ?? Answer(await keys.GrantLeaseAsync(cn, lease!, ctx.RequestAborted), n => new { granted = n });
        });

        kme.MapPost("/notices", async (HttpContext ctx) =>
        {
            if (LinkedKme(ctx, identities, logger, "/kme/v1/notices") is not { } cn)
            {
                return EtsiEndpoints.Error(401, "the client certificate is not a KME linked to " + keys.Config.KmeId);
            }
            var (notices, bad) = await ReadAsync<NoticesDto>(ctx, "key notices", n => n.Notices is not null, "a notices array");
            return bad ?? Results.Json(await keys.ReceiveNoticesAsync(cn, notices!, ctx.RequestAborted));
        });

        kme.MapPost("/flush", async (HttpContext ctx) =>
        {
            if (LinkedKme(ctx, identities, logger, "/kme/v1/flush") is not { } cn)
            {
                return EtsiEndpoints.Error(401, "the client certificate is not a KME linked to " + keys.Config.KmeId);
            }
            return await keys.FlushNoticesAsync(cn, ctx.RequestAborted)
                ? Results.Json(new { flushed = true })
                : EtsiEndpoints.Error(503, $"key notices to {cn} could not be delivered now");
        });

        kme.MapPost("/supply/blocks", async (HttpContext ctx) =>
        {
            var peer = identities.LinkDevice(ctx, out var why);
            if (peer is null)
            {
                var cn = ctx.Connection.ClientCertificate is { } c ? CertificateTrust.CommonName(c) : "";
                Log.Rejected(logger, cn, "/kme/v1/supply/blocks", 401, why);
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

    /// <summary>The linked KME whose certificate made this request, or null (logged) for anyone else.</summary>
    private static string? LinkedKme(HttpContext ctx, ClientIdentities identities, ILogger logger, string route)
    {
        if (identities.LinkedKme(ctx, out var why) is { } kme)
        {
            return kme;
        }
        Log.Rejected(logger, ctx.Connection.ClientCertificate is { } c ? CertificateTrust.CommonName(c) : "", route, 401, why);
        return null;
    }

    /// <summary>The request body as <typeparamref name="T"/>, or a 400 naming what is wrong (invalid JSON, or <paramref name="needs"/> missing).</summary>
    private static async Task<(T? Body, IResult? Error)> ReadAsync<T>(HttpContext ctx, string what, Func<T, bool> complete, string needs)
        where T : class
    {
        T? body;
        using var raw = await RequestBody.ReadAsync(ctx.Request, RequestBody.PeerLimitBytes, ctx.RequestAborted);
        if (raw is null)
        {
            return (null, EtsiEndpoints.Error(400, $"{what} is larger than {RequestBody.PeerLimitBytes} bytes"));
        }
        try
        {
            body = JsonSerializer.Deserialize<T>(raw.Span);
        }
        catch (JsonException e)
        {
            return (null, EtsiEndpoints.Error(400, $"{what} is not valid JSON: {e.Message}"));
        }
        return body is not null && complete(body) ? (body, null) : (null, EtsiEndpoints.Error(400, $"{what} needs {needs}"));
    }

    /// <summary>HTTP answer to a transfer or lease: 200 with <paramref name="ok"/>, 400, 409 or 503 with an Error body.</summary>
    private static IResult Answer(TransferOutcome outcome, Func<int, object> ok) => outcome switch
    {
        TransferOutcome.Accepted a => Results.Json(ok(a.KeyCount)),
        TransferOutcome.Invalid i => EtsiEndpoints.Error(400, i.Reason),
        TransferOutcome.Conflict x => EtsiEndpoints.Error(409, x.Reason),
        TransferOutcome.Unavailable u => EtsiEndpoints.Error(503, u.Reason),
        _ => throw new InvalidOperationException("unknown outcome"),
    };
}
