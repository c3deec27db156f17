using Qkd.Kms.Storage;
using Qkd.Kms.Tests.Support;

namespace Qkd.Kms.Tests.Storage;

public sealed class PostgresKeyStoreTests : KeyStoreContract
{
    private readonly string _schema = Postgres.NewSchema();

    protected override Task<IKeyStore> CreateAsync() => Task.FromResult<IKeyStore>(new PostgresKeyStore(Postgres.ConnectionString, _schema));

    public override async Task DisposeAsync()
    {
        await using (var s = new PostgresKeyStore(Postgres.ConnectionString, _schema))
        {
            await s.DropAsync(default);
        }
        await base.DisposeAsync();
    }
}
