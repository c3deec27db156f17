using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Qkd.Etsi014;
using Qkd.Kms.Keys;
using Qkd.Kms.Observability;
using Qkd.Kms.Tls;

namespace Qkd.Kms.Etsi;

/// <summary>The ETSI GS QKD 014 V1.1.1 routes (clause 5) and the decisions on what the spec leaves open (docs/kms.md).</summary>
public static class EtsiEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    // ~85 lines: the ETSI GS QKD 014 route table in one place (status, enc_keys GET/POST, dec_keys GET/POST); each
    // route parses and checks its parameters here and hands over to EncKeysAsync / DecKeysAsync.
    public static void MapEtsiEndpoints(this IEndpointRouteBuilder app, KeyService keys, ClientIdentities identities, ILogger logger)
    {
        var api = app.MapGroup("/api/v1/keys").WithTags("ETSI GS QKD 014");

        api.MapGet("/{slave_SAE_ID}/status", async (HttpContext ctx, string slave_SAE_ID) =>
        {
            if (Caller(ctx, identities) is not { } master)
            {
                return Unauthorized(ctx, logger);
            }
            if (CheckSlave(keys, master, slave_SAE_ID) is { } bad)
            {
                return bad;
            }
            var target = keys.KmeOfSae(slave_SAE_ID)!;
            var next = keys.NextHop(target)!;
            var p = keys.Config.Keys;
            var stored = await keys.StoredKeyCountAsync(next, p.DefaultSizeBits, ctx.RequestAborted);
            var max = Qkd.KeyManagement.KeyUnits.KeysAvailable(p.MaxPoolUnits, p.DefaultSizeBits, p.UnitBits);
            return Results.Json(new EtsiStatus(keys.Config.KmeId, target, master, slave_SAE_ID, p.DefaultSizeBits, stored, max,
                p.MaxKeysPerRequest, p.MaxSizeBits, p.MinSizeBits, p.MaxSaeIdCount));
        }).WithName("getStatus").Produces<EtsiStatus>().Produces<EtsiError>(400).Produces<EtsiError>(401).Produces<EtsiError>(503);

        api.MapPost("/{slave_SAE_ID}/enc_keys", async (HttpContext ctx, string slave_SAE_ID) =>
        {
            var (request, bad) = await ReadAsync<EtsiKeyRequest>(ctx, "Key request", blankIsDefault: true);
            if (bad is not null)
            {
                return bad;
            }
            if (request!.ExtensionMandatory is { Count: > 0 })
            {
                return Error(400, EtsiMessages.ExtensionMandatoryUnsupported);
            }
            var number = request.Number is { } n ? ParseJsonInt(n) : 1;
            var size = request.Size is { } s ? ParseJsonInt(s) : keys.Config.Keys.DefaultSizeBits;
            return await EncKeysAsync(ctx, keys, identities, logger, slave_SAE_ID, number, size, request.Number?.ToString(), request.Size?.ToString(), request.AdditionalSlaveSaeIds);
        }).WithName("getKeyPost").Accepts<EtsiKeyRequest>("application/json")
          .Produces<EtsiKeyContainer>().Produces<EtsiError>(400).Produces<EtsiError>(401).Produces<EtsiError>(503);

        api.MapGet("/{slave_SAE_ID}/enc_keys", async (HttpContext ctx, string slave_SAE_ID) =>
        {
            var q = ctx.Request.Query;
            if (q.Any(kv => kv.Key is not ("number" or "size") || kv.Value.Count > 1))
            {
                return Error(400, "GET enc_keys takes only the query parameters number and size, each at most once");
            }
            int? number = q.TryGetValue("number", out var nv) ? ParseText(nv.ToString()) : 1;
            int? size = q.TryGetValue("size", out var sv) ? ParseText(sv.ToString()) : keys.Config.Keys.DefaultSizeBits;
            return await EncKeysAsync(ctx, keys, identities, logger, slave_SAE_ID, number, size, nv.ToString(), sv.ToString());
        }).WithName("getKeyGet").Produces<EtsiKeyContainer>().Produces<EtsiError>(400).Produces<EtsiError>(401).Produces<EtsiError>(503);

        api.MapPost("/{master_SAE_ID}/dec_keys", async (HttpContext ctx, string master_SAE_ID) =>
        {
            var (request, bad) = await ReadAsync<EtsiKeyIds>(ctx, "Key IDs", blankIsDefault: false);
            if (bad is not null)
            {
                return bad;
            }
            if (request?.KeyIds is not { Count: > 0 } ids)
            {
                return Error(400, "key_IDs must be a non-empty array");
            }
            if (ids.Count > keys.Config.Keys.MaxKeysPerRequest)
            {
                return Error(400, $"key_IDs must list at most {keys.Config.Keys.MaxKeysPerRequest} keys (max_key_per_request), but listed {ids.Count}");
            }
            if (ids.Any(i => i is null))
            {
                return Error(400, "each entry of key_IDs must be an object with a key_ID");
            }
            var texts = ids.Select(i => i!.KeyId is { ValueKind: JsonValueKind.String } e ? e.GetString()! : i.KeyId?.ToString() ?? "").ToList();
            return await DecKeysAsync(ctx, keys, identities, logger, master_SAE_ID, texts);
        }).WithName("getKeyWithKeyIdsPost").Accepts<EtsiKeyIds>("application/json")
          .Produces<EtsiKeyContainer>().Produces<EtsiError>(400).Produces<EtsiError>(401).Produces<EtsiError>(503);

        api.MapGet("/{master_SAE_ID}/dec_keys", async (HttpContext ctx, string master_SAE_ID) =>
        {
            var q = ctx.Request.Query;
            if (q.Count != 1 || !q.TryGetValue("key_ID", out var id) || id.Count != 1)
            {
                return Error(400, "GET dec_keys takes exactly one query parameter key_ID");
            }
            return await DecKeysAsync(ctx, keys, identities, logger, master_SAE_ID, [id.ToString()]);
        }).WithName("getKeyWithKeyIdsGet").Produces<EtsiKeyContainer>().Produces<EtsiError>(400).Produces<EtsiError>(401).Produces<EtsiError>(503);
    }

    /// <summary>
    /// The body of a POST as <typeparamref name="T"/>: refused with 400 before parsing when larger than
    /// <see cref="RequestBody.EtsiLimitBytes"/>; a blank body is the defaults when <paramref name="blankIsDefault"/>
    /// (POST enc_keys without a body means what GET without parameters means).
    /// </summary>
    private static async Task<(T? Body, IResult? Error)> ReadAsync<T>(HttpContext ctx, string what, bool blankIsDefault)
        where T : class, new()
    {
        using var body = await RequestBody.ReadAsync(ctx.Request, RequestBody.EtsiLimitBytes, ctx.RequestAborted);
        if (body is null)
        {
            return (null, Error(400, $"request body is larger than {RequestBody.EtsiLimitBytes} bytes; a {what} object is far smaller"));
        }
        if (body.IsBlank)
        {
            return blankIsDefault ? (new T(), null) : (null, Error(400, $"request body must be a {what} JSON object, but was empty"));
        }
        try
        {
            var parsed = JsonSerializer.Deserialize<T>(body.Span, Json);
            return parsed is null && !blankIsDefault ? (null, Error(400, $"request body must be a {what} JSON object, but was null")) : (parsed ?? new T(), null);
        }
        catch (JsonException e)
        {
            return (null, Error(400, $"request body is not a valid {what} JSON object: {e.Message}"));
        }
    }

    private static async Task<IResult> EncKeysAsync(HttpContext ctx, KeyService keys, ClientIdentities identities, ILogger logger, string slave, int? number, int? size, string? numberText, string? sizeText,
        IReadOnlyList<string?>? additionalSlaves = null)
    {
        if (Caller(ctx, identities) is not { } master)
        {
            return Unauthorized(ctx, logger);
        }
        if (CheckSlave(keys, master, slave) is { } bad)
        {
            return bad;
        }
        var p = keys.Config.Keys;
        if (number is not { } n || n < 1 || n > p.MaxKeysPerRequest)
        {
            return Error(400, $"number must be an integer within [1, {p.MaxKeysPerRequest}] (max_key_per_request), but was '{numberText}'");
        }
        if (size is not { } s || s < 1)
        {
            return Error(400, $"size must be a positive integer number of bits, but was '{sizeText}'");
        }
        if (s % 8 != 0)
        {
            return Error(400, EtsiMessages.SizeNotMultipleOf8);
        }
        if (s < p.MinSizeBits || s > p.MaxSizeBits)
        {
            return Error(400, $"size must be within [{p.MinSizeBits}, {p.MaxSizeBits}] bits (min_key_size, max_key_size), but was {s} bits");
        }
        if (additionalSlaves is not null && CheckAdditionalSlaves(keys, master, slave, additionalSlaves) is { } badExtra)
        {
            return badExtra;
        }
        var outcome = additionalSlaves is null
            ? await keys.GetKeysAsync(master, slave, n, s, ctx.RequestAborted)
            : await keys.GetMulticastKeysAsync(master, slave, additionalSlaves!, n, s, ctx.RequestAborted);
        return outcome switch
        {
            EncOutcome.Served served => Container(served.Keys),
            EncOutcome.Unavailable u => Error(503, u.Reason),
            _ => throw new InvalidOperationException("unknown outcome"),
        };
    }

    private static async Task<IResult> DecKeysAsync(HttpContext ctx, KeyService keys, ClientIdentities identities, ILogger logger, string master, List<string> idTexts)
    {
        if (Caller(ctx, identities) is not { } caller)
        {
            return Unauthorized(ctx, logger);
        }
        var ids = new List<Guid>(idTexts.Count);
        foreach (var t in idTexts)
        {
            if (!Guid.TryParseExact(t, "D", out var g))
            {
                return Error(400, EtsiMessages.KeysNotFound, [new Dictionary<string, string> { ["key_ID"] = t, ["reason"] = "not a UUID (RFC 4122 text form)" }]);
            }
            ids.Add(g);
        }
        if (ids.Distinct().Count() != ids.Count)
        {
            return Error(400, EtsiMessages.KeysNotFound, [new Dictionary<string, string> { ["reason"] = "a key_ID is listed twice; each key is delivered once" }]);
        }
        var outcome = await keys.GetKeysWithIdsAsync(caller, master, ids, ctx.RequestAborted);
        switch (outcome)
        {
            case DecOutcome.Served served:
                return Container(served.Keys);
            case DecOutcome.NotAuthorized na:
                Log.Rejected(logger, caller, "dec_keys", 401, $"not a slave SAE of {na.Refused.Count} keys");
                return Error(401, $"SAE {caller} is not a slave SAE of the requested keys");
            case DecOutcome.NotFound nf:
                return Error(400, EtsiMessages.KeysNotFound, nf.Missing.Select(m => (IReadOnlyDictionary<string, string>)new Dictionary<string, string> { ["key_ID"] = m.ToString("D") }).ToList());
            default:
                throw new InvalidOperationException("unknown outcome");
        }
    }

    /// <summary>The calling SAE (role, CN, pin and CRL checked by <see cref="ClientIdentities"/>), or null after a logged 401 reason.</summary>
    private static string? Caller(HttpContext ctx, ClientIdentities identities)
    {
        var sae = identities.Sae(ctx, out var why);
        if (sae is null)
        {
            ctx.Items[UnauthorizedReason] = why;
        }
        return sae;
    }

    private const string UnauthorizedReason = "qkd.unauthorized";

    private static IResult Unauthorized(HttpContext ctx, ILogger logger)
    {
        var cn = ctx.Connection.ClientCertificate is { } c ? CertificateTrust.CommonName(c) : "(none)";
        var why = ctx.Items[UnauthorizedReason] as string ?? "not an SAE of this KME";
        Log.Rejected(logger, cn, ctx.Request.Path, 401, why);
        return Error(401, $"client certificate CN '{cn}' is not an SAE registered at this KME ({why})");
    }

    private static IResult? CheckSlave(KeyService keys, string master, string slave)
    {
        if (slave == master)
        {
            return Error(400, "slave_SAE_ID must differ from the calling master SAE");
        }
        var kme = keys.KmeOfSae(slave);
        if (kme is null)
        {
            return Error(400, $"slave_SAE_ID '{slave}' is not known to KME {keys.Config.KmeId}");
        }
        if (kme == keys.Config.KmeId)
        {
            return Error(400, $"slave_SAE_ID '{slave}' is attached to this KME; keys are only served across a QKD link");
        }
        return null;
    }

    /// <summary>
    /// Additional slaves of a multicast request (clause 6.2): a non-empty list of at most max_SAE_ID_count
    /// known SAE IDs, none blank, repeated, the master or the slave, none attached to this KME, and each at
    /// a KME of its own (a KME delivers a key to one of its SAEs once). Null when acceptable.
    /// </summary>
    private static IResult? CheckAdditionalSlaves(KeyService keys, string master, string slave, IReadOnlyList<string?> extra)
    {
        var max = keys.Config.Keys.MaxSaeIdCount;
        if (extra.Count == 0 || extra.Count > max)
        {
            return Error(400, $"additional_slave_SAE_IDs must list 1 to {max} SAE IDs (max_SAE_ID_count) when present, but listed {extra.Count}");
        }
        var kmes = new HashSet<string>(StringComparer.Ordinal) { keys.KmeOfSae(slave)! };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in extra)
        {
            string? why = null;
            if (string.IsNullOrWhiteSpace(id))
            {
                why = "is blank";
            }
            else if (!seen.Add(id))
            {
                why = "is listed twice";
            }
            else if (id == master || id == slave)
            {
                why = "is the master or the slave SAE itself";
            }
            else if (keys.KmeOfSae(id) is not { } kme)
            {
                why = $"is not known to KME {keys.Config.KmeId}";
            }
            else if (kme == keys.Config.KmeId)
            {
                why = "is attached to this KME; keys are only served across a QKD link";
            }
            else if (!kmes.Add(kme))
            {
                why = $"is attached to KME {kme}, which already holds the keys for another slave of this request";
            }
            if (why is not null)
            {
                return Error(400, $"additional_slave_SAE_IDs: '{id}' {why}", [new Dictionary<string, string> { ["additional_slave_SAE_ID"] = id ?? "", ["reason"] = why }]);
            }
        }
        return null;
    }

    /// <summary>
    /// Writes the Key container into a pooled buffer straight from the key bytes (no base64 strings,
    /// which could not be wiped), sends it, then zeroes the buffer and the keys.
    /// </summary>
    private static KeyContainerResult Container(IReadOnlyList<DeliveredKey> keys) => new(keys);

    internal static IResult Error(int status, string message, IReadOnlyList<IReadOnlyDictionary<string, string>>? details = null)
        => Results.Json(new EtsiError(message, details), Json, statusCode: status);

    private static int? ParseJsonInt(JsonElement e)
        => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var v) ? v : null;

    private static int? ParseText(string text)
        => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null;
}
