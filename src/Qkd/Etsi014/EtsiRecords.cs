using System.Text.Json;
using System.Text.Json.Serialization;

namespace Qkd.Etsi014;

// The JSON data formats of ETSI GS QKD 014 V1.1.1, clause 6, with the spec's field names: the one wire
// contract that the KMS (server, Qkd.Kms) and the gateway (client, Qkd.Gateway) both serialize, so a field
// cannot drift between them. Records and System.Text.Json attributes only, no I/O. They are kept together in
// one file because they are one wire format and read best side by side. Fields the server reads as
// JsonElement (number, size, key_ID...) are validated there by type and range, so that a wrong JSON type is
// answered with the spec's 400 instead of a deserializer exception; optional fields are omitted when null so
// a client writes only what it sets.

/// <summary>Status (clause 6.1).</summary>
public sealed record EtsiStatus(
    [property: JsonPropertyName("source_KME_ID")] string SourceKmeId,
    [property: JsonPropertyName("target_KME_ID")] string TargetKmeId,
    [property: JsonPropertyName("master_SAE_ID")] string MasterSaeId,
    [property: JsonPropertyName("slave_SAE_ID")] string SlaveSaeId,
    [property: JsonPropertyName("key_size")] int KeySize,
    [property: JsonPropertyName("stored_key_count")] long StoredKeyCount,
    [property: JsonPropertyName("max_key_count")] long MaxKeyCount,
    [property: JsonPropertyName("max_key_per_request")] int MaxKeyPerRequest,
    [property: JsonPropertyName("max_key_size")] int MaxKeySize,
    [property: JsonPropertyName("min_key_size")] int MinKeySize,
    [property: JsonPropertyName("max_SAE_ID_count")] int MaxSaeIdCount);

/// <summary>Key request (clause 6.2).</summary>
public sealed record EtsiKeyRequest
{
    [JsonPropertyName("number")] public JsonElement? Number { get; init; }
    [JsonPropertyName("size")] public JsonElement? Size { get; init; }
    [JsonPropertyName("additional_slave_SAE_IDs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string?>? AdditionalSlaveSaeIds { get; init; }
    [JsonPropertyName("extension_mandatory"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<JsonElement>? ExtensionMandatory { get; init; }
    [JsonPropertyName("extension_optional"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<JsonElement>? ExtensionOptional { get; init; }
}

/// <summary>One key of a Key container.</summary>
public sealed record EtsiKey(
    [property: JsonPropertyName("key_ID")] string KeyId,
    [property: JsonPropertyName("key")] string Key);

/// <summary>Key container (clause 6.3).</summary>
public sealed record EtsiKeyContainer([property: JsonPropertyName("keys")] IReadOnlyList<EtsiKey> Keys);

/// <summary>One entry of Key IDs.</summary>
public sealed record EtsiKeyIdEntry
{
    [JsonPropertyName("key_ID")] public JsonElement? KeyId { get; init; }
    [JsonPropertyName("key_ID_extension"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public JsonElement? KeyIdExtension { get; init; }
}

/// <summary>Key IDs (clause 6.4).</summary>
public sealed record EtsiKeyIds
{
    [JsonPropertyName("key_IDs")] public IReadOnlyList<EtsiKeyIdEntry>? KeyIds { get; init; }
    [JsonPropertyName("key_IDs_extension"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public JsonElement? KeyIdsExtension { get; init; }
}

/// <summary>Error (clause 6.5).</summary>
public sealed record EtsiError(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("details"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<IReadOnlyDictionary<string, string>>? Details = null);

/// <summary>The normative 400 messages of clause 6.5, verbatim.</summary>
public static class EtsiMessages
{
    public const string SizeNotMultipleOf8 = "size shall be a multiple of 8";
    public const string KeysNotFound = "one or more keys specified are not found on KME";
    public const string ExtensionMandatoryUnsupported = "not all extension_mandatory parameters are supported";
    public const string ExtensionMandatoryUnmet = "not all extension_mandatory request options could be met";
    public const string ExtensionOptionalNotHandled = "not all extension_optional request options handled";
}
