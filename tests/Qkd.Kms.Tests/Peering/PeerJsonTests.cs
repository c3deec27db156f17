using System.Text.Json;
using Qkd.Kms.Peering;

namespace Qkd.Kms.Tests.Peering;

/// <summary>The source-generated writer of key notices produces the wire format the reflection serializer did (the peer parses either).</summary>
public sealed class PeerJsonTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("q80=")]
    public void KeyTransfer_SourceGenerated_IsByteForByteTheReflectionFormat(string? otp)
    {
        var random = new Random(13);
        var keys = new List<TransferKeyDto>();
        for (var k = 0; k < 3; k++)
        {
            var units = new UnitDto[k + 1];
            for (var u = 0; u < units.Length; u++)
            {
                units[u] = new UnitDto(new Guid(random.NextInt64().ToString("x16") + random.NextInt64().ToString("x16")), random.Next(0, 1000));
            }
            keys.Add(new TransferKeyDto(new Guid(random.NextInt64().ToString("x16") + random.NextInt64().ToString("x16")), 256 * (k + 1), units, otp));
        }
        var dto = new KeyTransferDto("SAE_A", ["SAE_B", "SAE \"quoted\" <C>"], "KME_B", keys);

        var generated = JsonSerializer.SerializeToUtf8Bytes(dto, PeerJson.Default.KeyTransferDto);
        var reflection = JsonSerializer.SerializeToUtf8Bytes(dto);

        Assert.Equal(System.Text.Encoding.UTF8.GetString(reflection), System.Text.Encoding.UTF8.GetString(generated));
        var back = JsonSerializer.Deserialize<KeyTransferDto>(generated)!;
        Assert.Equal(dto.Keys.Select(k => k.KeyId), back.Keys.Select(k => k.KeyId));
        Assert.Equal(dto.Keys[2].Units, back.Keys[2].Units);
    }
}
