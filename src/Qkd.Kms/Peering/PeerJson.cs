using System.Text.Json.Serialization;

namespace Qkd.Kms.Peering;

/// <summary>
/// Source-generated JSON for the KME-to-KME message written on every <c>enc_keys</c> request (the key
/// notice appended to the outbox): the generated writer needs no reflection and no serializer stack per
/// call. Same wire format as <see cref="System.Text.Json.JsonSerializer"/>'s default for these records
/// (names from their <see cref="JsonPropertyNameAttribute"/>s), pinned by PeerJsonTests.
/// </summary>
[JsonSerializable(typeof(KeyTransferDto))]
internal sealed partial class PeerJson : JsonSerializerContext;
