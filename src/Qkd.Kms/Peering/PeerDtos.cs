using System.Text.Json.Serialization;

namespace Qkd.Kms.Peering;

// KME-to-KME wire format (docs/kms.md, "KME-to-KME API"): one message per enc_keys request.

/// <summary>A unit of the sender-receiver link pool.</summary>
public sealed record UnitDto([property: JsonPropertyName("block_ID")] Guid BlockId, [property: JsonPropertyName("index")] int Index);

/// <summary>One key: the hop-link units it is made of, and on a relayed hop the one-time-pad ciphertext.</summary>
public sealed record TransferKeyDto(
    [property: JsonPropertyName("key_ID")] Guid KeyId,
    [property: JsonPropertyName("size")] int SizeBits,
    [property: JsonPropertyName("units")] IReadOnlyList<UnitDto> Units,
    [property: JsonPropertyName("otp")] string? Otp);

/// <summary>The reservation a master's KME (or a relay) sends to the next KME on the route.</summary>
public sealed record KeyTransferDto(
    [property: JsonPropertyName("master_SAE_ID")] string MasterSaeId,
    [property: JsonPropertyName("slave_SAE_IDs")] IReadOnlyList<string> SlaveSaeIds,
    [property: JsonPropertyName("destination_KME_ID")] string DestinationKmeId,
    [property: JsonPropertyName("keys")] IReadOnlyList<TransferKeyDto> Keys);

/// <summary>A key block pushed by a QKD link device.</summary>
public sealed record KeyBlockDto([property: JsonPropertyName("block_ID")] Guid BlockId, [property: JsonPropertyName("key")] string Key);

/// <summary>Reply to a pushed block.</summary>
public sealed record KeyBlockReplyDto([property: JsonPropertyName("result")] string Result, [property: JsonPropertyName("units")] int Units);
