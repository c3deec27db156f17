using System.Text.Json.Serialization;

namespace Qkd.Kms.Peering;

// KME-to-KME wire format (docs/kms.md, "KME-to-KME API"): transfers (relayed keys), leases and key notices.

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

/// <summary>A lease the master-side KME asks for: these units of the link pool are for its own masters only.</summary>
public sealed record LeaseDto([property: JsonPropertyName("lease_ID")] Guid LeaseId, [property: JsonPropertyName("units")] IReadOnlyList<UnitDto> Units);

/// <summary>Key notices from the outbox: keys served to masters from leased units, in the transfer format (no key material, no one-time pad).</summary>
public sealed record NoticesDto([property: JsonPropertyName("notices")] IReadOnlyList<KeyTransferDto> Notices);

/// <summary>Reply to key notices: stored now, already stored earlier (a repeated notice), refused (logged at the receiver).</summary>
public sealed record NoticesReplyDto([property: JsonPropertyName("applied")] int Applied, [property: JsonPropertyName("duplicates")] int Duplicates, [property: JsonPropertyName("refused")] int Refused);
