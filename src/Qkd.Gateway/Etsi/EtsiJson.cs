using System.Text.Json.Serialization;

namespace Qkd.Gateway.Etsi;

// The client side of the JSON data formats of ETSI GS QKD 014 V1.1.1, clause 6 (field names as in the spec).
// Gateway and KMS share no code: they meet only over HTTPS, as in a real deployment.

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
    [property: JsonPropertyName("min_key_size")] int MinKeySize);

/// <summary>Key request (clause 6.2), as far as this client uses it.</summary>
internal sealed record EtsiKeyRequest(
    [property: JsonPropertyName("number")] int Number,
    [property: JsonPropertyName("size")] int Size);

/// <summary>One key of a Key container (clause 6.3).</summary>
internal sealed record EtsiKeyJson(
    [property: JsonPropertyName("key_ID")] string KeyId,
    [property: JsonPropertyName("key")] string Key);

/// <summary>Key container (clause 6.3).</summary>
internal sealed record EtsiKeyContainer([property: JsonPropertyName("keys")] IReadOnlyList<EtsiKeyJson> Keys);

/// <summary>One entry of Key IDs (clause 6.4).</summary>
internal sealed record EtsiKeyIdJson([property: JsonPropertyName("key_ID")] string KeyId);

/// <summary>Key IDs (clause 6.4).</summary>
internal sealed record EtsiKeyIds([property: JsonPropertyName("key_IDs")] IReadOnlyList<EtsiKeyIdJson> KeyIds);

/// <summary>Error (clause 6.5).</summary>
internal sealed record EtsiErrorJson([property: JsonPropertyName("message")] string? Message);
