using Qkd.Kms.Storage;
using Qkd.Kms.Tests.Support;

namespace Qkd.Kms.Tests.Storage;

public sealed class SqliteKeyStoreTests : KeyStoreContract
{
    private readonly TempDir _dir = new();

    protected override Task<IKeyStore> CreateAsync() => Task.FromResult<IKeyStore>(new SqliteKeyStore(_dir.File("kme.db")));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
