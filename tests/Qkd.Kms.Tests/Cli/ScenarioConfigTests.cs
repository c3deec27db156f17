using Qkd.Kms.Config;

namespace Qkd.Kms.Tests.Cli;

/// <summary>The sample configs under scenarios/kms stay valid.</summary>
public sealed class ScenarioConfigTests
{
    [Theory]
    [InlineData("kme_a.json", "sqlite")]
    [InlineData("kme_b.json", "sqlite")]
    [InlineData("kme_a_postgres.json", "postgres")]
    public void ScenarioConfig_LoadsAndValidates(string file, string store)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "qkd.slnx")))
        {
            dir = dir.Parent;
        }
        var config = KmsConfig.Load(Path.Combine(dir.FullName, "scenarios", "kms", file));
        Assert.Equal(store, config.Store.Kind);
        Assert.EndsWith(Path.Combine("scenarios", "kms", "certs", "ca.pem"), config.Resolve(config.Tls.CaCert), StringComparison.Ordinal);
    }

    [Fact]
    public void Config_InvalidValues_AreRejectedWithTheFieldName()
    {
        var ok = new KmsConfig { KmeId = "K", Tls = new TlsConfig("a", "b", "c") };
        ok.Validate();
        Assert.Contains("keys.unitBits", Assert.Throws<ArgumentException>(() => (ok with { Keys = new KeyPolicyConfig { UnitBits = 12 } }).Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("listen", Assert.Throws<ArgumentException>(() => (ok with { Listen = "http://x" }).Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("keyWrapKey", Assert.Throws<ArgumentException>(() => (ok with { KeyWrapKey = "AAAA" }).Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("routes", Assert.Throws<ArgumentException>(() => (ok with { Routes = [new RouteConfig("C", "B", ["S"])] }).Validate()).Message, StringComparison.Ordinal);
    }
}
