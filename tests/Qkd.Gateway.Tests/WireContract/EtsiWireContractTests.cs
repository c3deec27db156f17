using Qkd.Gateway.Etsi;
using Qkd.Gateway.Tests.Support;
using Qkd.Kms.Config;

namespace Qkd.Gateway.Tests.WireContract;

/// <summary>
/// The ETSI GS QKD 014 records of src/Qkd/Etsi014 are the one wire contract of server (KMS) and client
/// (gateway): what the KMS writes over a real mutual-TLS socket, the gateway's reader takes back field by field.
/// </summary>
public sealed class EtsiWireContractTests
{
    [Fact]
    public async Task ServerStatus_ReadByTheClient_CarriesEveryFieldOfClause61()
    {
        await using var bed = await Testbed.StartAsync();
        await bed.SupplyAsync(61, 256 * 4);
        using var a = bed.Client("SAE_A");
        var policy = new KeyPolicyConfig();

        var status = await a.StatusAsync("SAE_B");

        Assert.Equal("KME_A", status.SourceKmeId);
        Assert.Equal("KME_B", status.TargetKmeId);
        Assert.Equal("SAE_A", status.MasterSaeId);
        Assert.Equal("SAE_B", status.SlaveSaeId);
        Assert.Equal(policy.DefaultSizeBits, status.KeySize);
        Assert.Equal(4, status.StoredKeyCount);
        Assert.Equal(Qkd.KeyManagement.KeyUnits.KeysAvailable(policy.MaxPoolUnits, policy.DefaultSizeBits, policy.UnitBits), status.MaxKeyCount);
        Assert.Equal(policy.MaxKeysPerRequest, status.MaxKeyPerRequest);
        Assert.Equal(policy.MaxSizeBits, status.MaxKeySize);
        Assert.Equal(policy.MinSizeBits, status.MinKeySize);
        Assert.Equal(policy.MaxSaeIdCount, status.MaxSaeIdCount);
    }

    [Fact]
    public async Task ServerKeyContainer_ReadByTheClient_GivesBothSaesTheDeliveredMaterial()
    {
        await using var bed = await Testbed.StartAsync();
        await bed.SupplyAsync(63, 256 * 4);
        using var a = bed.Client("SAE_A");
        using var b = bed.Client("SAE_B");

        var enc = Assert.IsType<KeyFetch.Delivered>(await a.EncKeysAsync("SAE_B", 2, 512));
        var dec = Assert.IsType<KeyFetch.Delivered>(await b.DecKeysAsync("SAE_A", enc.Keys.Select(k => k.Id).ToList()));

        Assert.Equal(2, enc.Keys.Count);
        Assert.Equal(enc.Keys.Select(k => k.Id), dec.Keys.Select(k => k.Id));
        var delivered = bed.DeliveredUnits.SelectMany(u => u).ToArray();
        for (var i = 0; i < enc.Keys.Count; i++)
        {
            Assert.Equal(512, enc.Keys[i].SizeBits);
            Assert.Equal(enc.Keys[i].Material.ToArray(), dec.Keys[i].Material.ToArray());
            Assert.True(delivered.AsSpan().IndexOf(enc.Keys[i].Material) >= 0, "every key is material the link delivered");
        }
    }

    [Fact]
    public async Task ServerError_ReadByTheClient_KeepsTheNormativeMessage()
    {
        await using var bed = await Testbed.StartAsync();
        await bed.SupplyAsync(65, 256 * 4);
        using var b = bed.Client("SAE_B");

        var refused = Assert.IsType<KeyFetch.Refused>(await b.DecKeysAsync("SAE_A", [new Guid(TestKeys.Bytes(65, 16))]));

        Assert.Equal(400, refused.StatusCode);
        Assert.Equal(Qkd.Etsi014.EtsiMessages.KeysNotFound, refused.Message);
    }
}
