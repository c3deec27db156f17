using Qkd.Kms.Storage;

namespace Qkd.Kms.Tests.Storage;

/// <summary>The dec_keys access rule on its own, without a store: master, slaves, refused before missing, all or nothing.</summary>
public sealed class KeyAccessRuleTests
{
    private static readonly Guid K1 = new("00000000-0000-0000-0000-000000000001");
    private static readonly Guid K2 = new("00000000-0000-0000-0000-000000000002");
    private static readonly Guid K3 = new("00000000-0000-0000-0000-000000000003");

    private static Dictionary<Guid, PendingKey> Pending(params PendingKey[] keys) => keys.ToDictionary(k => k.KeyId);

    private static PendingKey Key(Guid id, string master, params string[] slaves) => new(id, master, slaves, 256, new byte[32]);

    [Fact]
    public void Decide_CallerAmongSlavesOfTheNamedMaster_TakesEveryKeyInTheOrderAsked()
    {
        var pending = Pending(Key(K1, "SAE_A", "SAE_B"), Key(K2, "SAE_A", "SAE_C", "SAE_B"));

        var taken = Assert.IsType<TakeKeysResult.Taken>(KeyAccessRule.Decide([K2, K1], pending, "SAE_A", "SAE_B"));

        Assert.Equal([K2, K1], taken.Keys.Select(k => k.KeyId));
    }

    [Fact]
    public void Decide_KeyOfAnotherMaster_IsReportedMissingNotRefused()
    {
        var pending = Pending(Key(K1, "SAE_X", "SAE_B"));

        var notFound = Assert.IsType<TakeKeysResult.NotFound>(KeyAccessRule.Decide([K1], pending, "SAE_A", "SAE_B"));

        Assert.Equal([K1], notFound.Missing);
    }

    [Fact]
    public void Decide_CallerNotAmongTheSlaves_IsRefused()
    {
        var pending = Pending(Key(K1, "SAE_A", "SAE_B"), Key(K2, "SAE_A", "SAE_C"));

        var refused = Assert.IsType<TakeKeysResult.NotAuthorized>(KeyAccessRule.Decide([K1, K2], pending, "SAE_A", "SAE_C"));

        Assert.Equal([K1], refused.Refused);
    }

    [Fact]
    public void Decide_RefusedAndMissingTogether_ReportsRefusedFirst()
    {
        var pending = Pending(Key(K1, "SAE_A", "SAE_B"), Key(K2, "SAE_A", "SAE_C"));

        var refused = Assert.IsType<TakeKeysResult.NotAuthorized>(KeyAccessRule.Decide([K3, K2, K1], pending, "SAE_A", "SAE_B"));

        Assert.Equal([K2], refused.Refused);
    }

    [Fact]
    public void Decide_OneKeyNoLongerPending_TakesNothing()
    {
        var pending = Pending(Key(K1, "SAE_A", "SAE_B"));

        var notFound = Assert.IsType<TakeKeysResult.NotFound>(KeyAccessRule.Decide([K1, K3], pending, "SAE_A", "SAE_B"));

        Assert.Equal([K3], notFound.Missing);
    }

    [Fact]
    public void Decide_SaeIdsDifferingOnlyInCase_AreDifferentSaes()
    {
        var pending = Pending(Key(K1, "SAE_A", "SAE_B"));

        Assert.IsType<TakeKeysResult.NotAuthorized>(KeyAccessRule.Decide([K1], pending, "SAE_A", "sae_b"));
        Assert.IsType<TakeKeysResult.NotFound>(KeyAccessRule.Decide([K1], pending, "sae_a", "SAE_B"));
    }
}
