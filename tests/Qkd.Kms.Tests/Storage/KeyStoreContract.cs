using Qkd.Kms.Storage;

namespace Qkd.Kms.Tests.Storage;

/// <summary>The one test suite every key store passes (SQLite and PostgreSQL).</summary>
public abstract class KeyStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    protected IKeyStore Store { get; private set; } = null!;

    protected abstract Task<IKeyStore> CreateAsync();

    public async Task InitializeAsync()
    {
        Store = await CreateAsync();
        await Store.InitializeAsync(recoverAllReservations: false, default);
    }

    public virtual async Task DisposeAsync() => await Store.DisposeAsync();

    private static List<byte[]> Units(int n, byte tag) => Enumerable.Range(0, n).Select(i => new byte[] { tag, (byte)i, 0, 0 }).ToList();

    private async Task<Guid> AddAsync(string peer, int units, byte tag = 1)
    {
        var id = Guid.NewGuid();
        Assert.Equal(AddBlockResult.Added, await Store.AddBlockAsync(peer, id, Units(units, tag), 1000, T0, default));
        return id;
    }

    [Fact]
    public async Task AddBlock_SameBlockTwice_IsDuplicateAndStoredOnce()
    {
        var id = await AddAsync("P", 5);
        Assert.Equal(AddBlockResult.Duplicate, await Store.AddBlockAsync("P", id, Units(5, 1), 1000, T0, default));
        Assert.Equal(5, await Store.AvailableUnitsAsync("P", default));
    }

    [Fact]
    public async Task AddBlock_AboveMaxPool_IsRefused()
    {
        await AddAsync("P", 8);
        Assert.Equal(AddBlockResult.PoolFull, await Store.AddBlockAsync("P", Guid.NewGuid(), Units(3, 2), 10, T0, default));
        Assert.Equal(8, await Store.AvailableUnitsAsync("P", default));
    }

    [Fact]
    public async Task Reserve_ShortPool_ReturnsNullAndChangesNothing()
    {
        await AddAsync("P", 3);
        Assert.Null(await Store.ReserveUnitsAsync("P", 4, false, Guid.NewGuid(), T0, default));
        Assert.Equal(3, await Store.AvailableUnitsAsync("P", default));
    }

    [Fact]
    public async Task Reserve_OldestOrNewestFirst_TakesFromTheRightEnd()
    {
        var first = await AddAsync("P", 2, 1);
        var second = await AddAsync("P", 2, 2);
        var oldest = await Store.ReserveUnitsAsync("P", 1, false, Guid.NewGuid(), T0, default);
        var newest = await Store.ReserveUnitsAsync("P", 1, true, Guid.NewGuid(), T0, default);
        Assert.Equal(new UnitRef(first, 0), oldest![0].Ref);
        Assert.Equal(new UnitRef(second, 1), newest![0].Ref);
        Assert.Equal(new byte[] { 2, 1, 0, 0 }, newest[0].Material);
    }

    [Fact]
    public async Task FinishReservation_DeliveredOrDiscarded_IsCountedAndNeverReservedAgain()
    {
        await AddAsync("P", 4);
        var r1 = Guid.NewGuid();
        var r2 = Guid.NewGuid();
        await Store.ReserveUnitsAsync("P", 1, false, r1, T0, default);
        await Store.ReserveUnitsAsync("P", 2, false, r2, T0, default);
        await Store.FinishReservationAsync(r1, true, T0, default);
        await Store.FinishReservationAsync(r2, false, T0, default);
        var c = await Store.CountsAsync(default);
        Assert.Equal(1, c.UnitsIn("P", UnitState.Delivered));
        Assert.Equal(2, c.UnitsIn("P", UnitState.Discarded));
        Assert.Equal(1, c.UnitsIn("P", UnitState.Available));
        Assert.NotNull(await Store.ReserveUnitsAsync("P", 1, false, Guid.NewGuid(), T0, default));
        Assert.Null(await Store.ReserveUnitsAsync("P", 1, false, Guid.NewGuid(), T0, default));
    }

    [Fact]
    public async Task TakeUnits_ThenTakeKeys_DeliversOnceAllOrNothingToNamedSlaveOnly()
    {
        var block = await AddAsync("P", 3);
        var k1 = Guid.NewGuid();
        var k2 = Guid.NewGuid();
        var taken = await Store.TakeUnitsAsync("P", [new UnitRef(block, 0), new UnitRef(block, 2)],
            m => [new PendingKey(k1, "M", ["S"], 32, m[0]), new PendingKey(k2, "M", ["S"], 32, m[1])], T0, default);
        Assert.Equal(2, taken!.Count);
        Assert.Null(await Store.TakeUnitsAsync("P", [new UnitRef(block, 1), new UnitRef(block, 2)], _ => [], T0, default));
        Assert.Equal(1, await Store.AvailableUnitsAsync("P", default));

        Assert.IsType<TakeKeysResult.NotAuthorized>(await Store.TakeKeysAsync([k1], "M", "X", T0, default));
        Assert.IsType<TakeKeysResult.NotFound>(await Store.TakeKeysAsync([k1], "OTHER", "S", T0, default));
        Assert.IsType<TakeKeysResult.NotFound>(await Store.TakeKeysAsync([k1, Guid.NewGuid()], "M", "S", T0, default));
        var ok = Assert.IsType<TakeKeysResult.Taken>(await Store.TakeKeysAsync([k2, k1], "M", "S", T0, default));
        Assert.Equal([k2, k1], ok.Keys.Select(k => k.KeyId));
        Assert.Equal(new byte[] { 1, 2, 0, 0 }, ok.Keys[0].Material);
        Assert.IsType<TakeKeysResult.NotFound>(await Store.TakeKeysAsync([k1], "M", "S", T0, default));
        var c = await Store.CountsAsync(default);
        Assert.Equal(2, c.KeysIn(KeyState.Delivered));
        Assert.Equal(2, c.UnitsIn("P", UnitState.Transferred));
    }

    [Fact]
    public async Task Expire_OldUnitsKeysAndStaleReservations_AreMovedOutAndCounted()
    {
        var block = await AddAsync("P", 4);
        var k = Guid.NewGuid();
        await Store.TakeUnitsAsync("P", [new UnitRef(block, 0)], m => [new PendingKey(k, "M", ["S"], 32, m[0])], T0, default);
        await Store.ReserveUnitsAsync("P", 1, false, Guid.NewGuid(), T0, default);
        var r = await Store.ExpireAsync(T0.AddSeconds(1), T0.AddSeconds(1), default);
        Assert.Equal(new ExpiryResult(2, 1, 1), r);
        Assert.IsType<TakeKeysResult.NotFound>(await Store.TakeKeysAsync([k], "M", "S", T0, default));
        Assert.Equal(0, await Store.AvailableUnitsAsync("P", default));
    }

    [Fact]
    public async Task Initialize_WithRecovery_DiscardsReservationsLeftByACrash()
    {
        await AddAsync("P", 2);
        await Store.ReserveUnitsAsync("P", 1, false, Guid.NewGuid(), T0, default);
        await Store.InitializeAsync(recoverAllReservations: true, default);
        var c = await Store.CountsAsync(default);
        Assert.Equal(1, c.UnitsIn("P", UnitState.Discarded));
        Assert.Equal(0, c.UnitsIn("P", UnitState.Reserved));
    }

    [Fact]
    public async Task Reserve_ManyConcurrentCallers_EachUnitReservedExactlyOnce()
    {
        await AddAsync("P", 200);
        var tasks = Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            var got = new List<UnitRef>();
            while (await Store.ReserveUnitsAsync("P", 1 + (i % 3), i % 2 == 0, Guid.NewGuid(), T0, default) is { } units)
            {
                got.AddRange(units.Select(u => u.Ref));
            }
            return got;
        })).ToList();
        var all = (await Task.WhenAll(tasks)).SelectMany(x => x).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.InRange(all.Count, 198, 200);
    }

    [Fact]
    public async Task TakeKeys_ConcurrentCallersForTheSameKey_ExactlyOneWins()
    {
        var block = await AddAsync("P", 1);
        var k = Guid.NewGuid();
        await Store.TakeUnitsAsync("P", [new UnitRef(block, 0)], m => [new PendingKey(k, "M", ["S"], 32, m[0])], T0, default);
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => Store.TakeKeysAsync([k], "M", "S", T0, default))));
        Assert.Single(results.OfType<TakeKeysResult.Taken>());
        Assert.Equal(15, results.OfType<TakeKeysResult.NotFound>().Count());
    }

    [Fact]
    public async Task Lease_ConfirmedReservation_BecomesOwnedAndIsServedOnceWithItsNoticeInTheSameTransaction()
    {
        var block = await AddAsync("P", 4);
        var lease = Guid.NewGuid();
        Assert.NotNull(await Store.ReserveUnitsAsync("P", 3, false, lease, T0, default));
        await Store.ConfirmLeaseAsync(lease, T0, default);
        Assert.Equal(3, await Store.OwnedUnitsAsync("P", default));
        Assert.Equal(1, await Store.AvailableUnitsAsync("P", default));

        var taken = await Store.TakeOwnedAsync("P", 2, u => [(byte)u.Count, (byte)u[0].Ref.Index], T0, default);

        Assert.NotNull(taken);
        Assert.Equal([new UnitRef(block, 0), new UnitRef(block, 1)], taken.Select(u => u.Ref));
        Assert.Equal(new byte[] { 1, 0, 0, 0 }, taken[0].Material);
        var outbox = Assert.Single(await Store.ReadOutboxAsync("P", 10, default));
        Assert.Equal(new byte[] { 2, 0 }, outbox.Payload);
        Assert.Empty(await Store.ReadOutboxAsync("Q", 10, default));
        // One owned unit left: a request for two gets nothing and writes no notice.
        Assert.Null(await Store.TakeOwnedAsync("P", 2, _ => [9], T0, default));
        Assert.Single(await Store.ReadOutboxAsync("P", 10, default));
        var c = await Store.CountsAsync(default);
        Assert.Equal(2, c.UnitsIn("P", UnitState.Delivered));
        Assert.Equal(1, c.UnitsIn("P", UnitState.Owned));
        await Store.DeleteOutboxAsync([outbox.Sequence], default);
        Assert.Empty(await Store.ReadOutboxAsync("P", 10, default));
    }

    [Fact]
    public async Task Outbox_IsReadInOrderAndDeletedByTheAcknowledgedSequencesOnly()
    {
        await AddAsync("P", 3);
        var lease = Guid.NewGuid();
        await Store.ReserveUnitsAsync("P", 3, false, lease, T0, default);
        await Store.ConfirmLeaseAsync(lease, T0, default);
        for (byte i = 0; i < 3; i++)
        {
            var tag = i;
            Assert.NotNull(await Store.TakeOwnedAsync("P", 1, _ => [tag], T0, default));
        }

        var all = await Store.ReadOutboxAsync("P", 10, default);
        var firstTwo = await Store.ReadOutboxAsync("P", 2, default);
        await Store.DeleteOutboxAsync([all[1].Sequence], default);

        Assert.Equal(new byte[] { 0, 1, 2 }, all.Select(e => e.Payload[0]));
        Assert.Equal(all.Take(2).Select(e => e.Sequence), firstTwo.Select(e => e.Sequence));
        Assert.Equal(new byte[] { 0, 2 }, (await Store.ReadOutboxAsync("P", 10, default)).Select(e => e.Payload[0]));
    }

    [Fact]
    public async Task GrantLease_IsAllOrNothing_AndLeasedUnitsAreTakenOnlyAsLeased()
    {
        var block = await AddAsync("P", 4);
        Assert.True(await Store.GrantLeaseAsync("P", [new UnitRef(block, 0), new UnitRef(block, 1)], T0, default));
        // Unit 1 is leased already: the whole grant is refused and unit 2 stays available.
        Assert.False(await Store.GrantLeaseAsync("P", [new UnitRef(block, 2), new UnitRef(block, 1)], T0, default));
        Assert.Equal(2, await Store.AvailableUnitsAsync("P", default));
        // A transfer takes available units only; a notice takes leased units only.
        Assert.Null(await Store.TakeUnitsAsync("P", [new UnitRef(block, 0)], _ => [], T0, default));
        Assert.Null(await Store.TakeUnitsAsync("P", [new UnitRef(block, 2)], UnitState.Leased, _ => [], T0, default));
        var k = Guid.NewGuid();
        Assert.False(await Store.KeyExistsAsync(k, default));
        var taken = await Store.TakeUnitsAsync("P", [new UnitRef(block, 0)], UnitState.Leased, m => [new PendingKey(k, "M", ["S"], 32, m[0])], T0, default);
        Assert.NotNull(taken);
        Assert.True(await Store.KeyExistsAsync(k, default));
        Assert.Null(await Store.TakeUnitsAsync("P", [new UnitRef(block, 0)], UnitState.Leased, _ => [], T0, default));
        var c = await Store.CountsAsync(default);
        Assert.Equal(1, c.UnitsIn("P", UnitState.Leased));
        Assert.Equal(1, c.UnitsIn("P", UnitState.Transferred));
    }

    [Fact]
    public async Task Expire_OldOwnedAndLeasedUnits_AreExpiredLikeAvailableOnes()
    {
        var block = await AddAsync("P", 3);
        var lease = Guid.NewGuid();
        await Store.ReserveUnitsAsync("P", 1, false, lease, T0, default);
        await Store.ConfirmLeaseAsync(lease, T0, default);
        Assert.True(await Store.GrantLeaseAsync("P", [new UnitRef(block, 1)], T0, default));

        var r = await Store.ExpireAsync(T0.AddSeconds(1), T0.AddSeconds(-1), default);

        Assert.Equal(3, r.UnitsExpired);
        Assert.Equal(0, await Store.OwnedUnitsAsync("P", default));
        Assert.Null(await Store.TakeOwnedAsync("P", 1, _ => [1], T0, default));
    }

    [Fact]
    public async Task TakeUnitsBatch_EachTakeIsAllOrNothingOnItsOwnInOneTransaction()
    {
        var block = await AddAsync("P", 4);
        Assert.True(await Store.GrantLeaseAsync("P", [new UnitRef(block, 0), new UnitRef(block, 1), new UnitRef(block, 2)], T0, default));
        var k1 = Guid.NewGuid();
        var k2 = Guid.NewGuid();
        var k3 = Guid.NewGuid();

        var done = await Store.TakeUnitsBatchAsync("P",
        [
            new UnitTake([new UnitRef(block, 0)], m => [new PendingKey(k1, "M", ["S"], 32, m[0])]),
            // Unit 3 is available, not leased: this take fails and must not take unit 1 either.
            new UnitTake([new UnitRef(block, 1), new UnitRef(block, 3)], m => [new PendingKey(k2, "M", ["S"], 64, [.. m[0], .. m[1]])]),
            new UnitTake([new UnitRef(block, 2)], m => [new PendingKey(k3, "M", ["S"], 32, m[0])]),
        ], UnitState.Leased, T0, default);

        Assert.Equal([true, false, true], done);
        Assert.True(await Store.KeyExistsAsync(k1, default));
        Assert.False(await Store.KeyExistsAsync(k2, default));
        Assert.True(await Store.KeyExistsAsync(k3, default));
        var c = await Store.CountsAsync(default);
        Assert.Equal(2, c.UnitsIn("P", UnitState.Transferred));
        Assert.Equal(1, c.UnitsIn("P", UnitState.Leased));
        Assert.Equal(1, c.UnitsIn("P", UnitState.Available));
    }

    [Fact]
    public async Task ReleaseReservation_RefusedLease_ReturnsItsUnitsToThePool()
    {
        await AddAsync("P", 3);
        var lease = Guid.NewGuid();
        Assert.NotNull(await Store.ReserveUnitsAsync("P", 2, false, lease, T0, default));

        await Store.ReleaseReservationAsync(lease, T0, default);

        Assert.Equal(3, await Store.AvailableUnitsAsync("P", default));
        Assert.Equal(3, await Store.AvailableUnitsUpToAsync("P", 10, default));
        Assert.Equal(2, await Store.AvailableUnitsUpToAsync("P", 2, default));
        // A reservation that was confirmed meanwhile is not released.
        var confirmed = Guid.NewGuid();
        await Store.ReserveUnitsAsync("P", 1, false, confirmed, T0, default);
        await Store.ConfirmLeaseAsync(confirmed, T0, default);
        await Store.ReleaseReservationAsync(confirmed, T0, default);
        Assert.Equal(1, await Store.OwnedUnitsAsync("P", default));
    }
}
