using System.Net;
using System.Security.Cryptography;
using Qkd.Cli.Tests;
using Qkd.Kms.Config;
using Qkd.Kms.Dev;
using Qkd.Kms.Storage;
using Qkd.Kms.Supply;
using Qkd.Kms.Tests.Support;

namespace Qkd.Kms.Tests.Storage;

/// <summary>"Wiped" means gone (issue 13): no delivered key in any file a KME wrote; wrapping keys per record, rotatable; private files 0600 from the start.</summary>
public sealed class KeysAtRestTests
{
    [Fact]
    public async Task Sqlite_AfterDeliveryAtBothEndsAndACleanStop_NoDeliveredKeyIsInAnyFileTheKmesWrote()
    {
        using var dir = new TempDir();
        var keys = new List<byte[]>();
        var net = await DevNetwork.StartAsync(new DevNetworkOptions { Directory = dir.Path, Kmes = 3, RunSupply = false, PrefillBits = 0 }, null, null);
        try
        {
            foreach (var link in net.Links)
            {
                Assert.True(await link.Pump.DeliverAsync(SimulatedKeySupply.Burst(256 * 64), CancellationToken.None));
            }
            using var a = SaeClient.For(net, "SAE_A");
            using var b = SaeClient.For(net, "SAE_B");
            using var c = SaeClient.For(net, "SAE_C");
            foreach (var (master, masterId, slave, slaveId, number) in new[] { (a, "SAE_A", b, "SAE_B", 8), (b, "SAE_B", a, "SAE_A", 8), (a, "SAE_A", c, "SAE_C", 4) })
            {
                var enc = await master.EncKeysAsync(slaveId, number);
                Assert.Equal(HttpStatusCode.OK, enc.Status);
                var dec = await slave.DecKeysAsync(masterId, enc.Keys.Select(k => k.Id).ToArray());
                Assert.Equal(HttpStatusCode.OK, dec.Status);
                keys.AddRange(enc.Keys.Select(k => k.Key));
            }
        }
        finally
        {
            await net.DisposeAsync();
        }

        var files = Directory.EnumerateFiles(dir.Path, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.EndsWith(".db", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(file);
            foreach (var key in keys)
            {
                Assert.True(bytes.AsSpan().IndexOf(key) < 0, $"a delivered key's bytes are still in {Path.GetFileName(file)}");
            }
        }
    }

    [Fact]
    public void Wrapper_EachRecordUnderItsOwnKey_ARowMovedToAnotherIdentityDoesNotOpen()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var w = new KeyWrapper(key);
        var plain = RandomNumberGenerator.GetBytes(32);
        var one = w.Wrap(plain, "key/1");
        var two = w.Wrap(plain, "key/2");

        Assert.Equal(plain, w.Unwrap(one, "key/1"));
        Assert.Equal(plain, w.Unwrap(two, "key/2"));
        Assert.ThrowsAny<CryptographicException>(() => w.Unwrap(one, "key/2"));
        Assert.True(one.AsSpan().IndexOf(plain) < 0);
        // Not the wrapping key itself: a record does not open with AES-GCM under the wrapping key.
        using var direct = new AesGcm(key, 16);
        Assert.ThrowsAny<CryptographicException>(() => direct.Decrypt(one.AsSpan(5, 12), one.AsSpan(17, 32), one.AsSpan(49, 16), new byte[32], "key/1"u8));
    }

    [Fact]
    public void Wrapper_Rotation_NewKeyWrapsPreviousKeysStillOpenAndAnUnlistedKeyDoesNot()
    {
        var oldKey = RandomNumberGenerator.GetBytes(32);
        var newKey = RandomNumberGenerator.GetBytes(32);
        var plain = RandomNumberGenerator.GetBytes(64);
        var underOld = new KeyWrapper(oldKey).Wrap(plain, "u/1");

        var rotated = new KeyWrapper(newKey, [oldKey]);
        var underNew = rotated.Wrap(plain, "u/2");

        Assert.Equal(plain, rotated.Unwrap(underOld, "u/1"));
        Assert.Equal(plain, new KeyWrapper(newKey).Unwrap(underNew, "u/2"));
        Assert.ThrowsAny<CryptographicException>(() => new KeyWrapper(newKey).Unwrap(underOld, "u/1"));
    }

    [Fact]
    public void Wrapper_RecordFromBeforePerRecordKeys_StillOpens()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var plain = RandomNumberGenerator.GetBytes(32);
        var legacy = new byte[12 + 32 + 16];
        RandomNumberGenerator.Fill(legacy.AsSpan(0, 12));
        using (var aes = new AesGcm(key, 16))
        {
            aes.Encrypt(legacy.AsSpan(0, 12), plain, legacy.AsSpan(12, 32), legacy.AsSpan(44), "key/x"u8);
        }
        Assert.Equal(plain, new KeyWrapper(key).Unwrap(legacy, "key/x"));
    }

    [Fact]
    public void Config_PreviousKeyWrapKeysWithoutACurrentKeyOrMalformed_IsRefused()
    {
        var ok = new KmsConfig { KmeId = "KME_A", Tls = new TlsConfig("ca.pem", "a.pem", "a.key") };
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        Assert.Contains("previousKeyWrapKeys", Assert.Throws<ArgumentException>(() => (ok with { PreviousKeyWrapKeys = [key] }).Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("previousKeyWrapKeys", Assert.Throws<ArgumentException>(() => (ok with { KeyWrapKey = key, PreviousKeyWrapKeys = ["AAAA"] }).Validate()).Message, StringComparison.Ordinal);
        (ok with { KeyWrapKey = key, PreviousKeyWrapKeys = [key] }).Validate();
    }

    [Fact]
    public async Task PrivateFiles_KeysDevConfigsAndAuditLog_AreOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes only
        }
        await using var t = await TestNetwork.StartAsync(wrapKey: RandomNumberGenerator.GetBytes(32));
        await t.SupplyAsync(0, 1, 256 * 4);
        using var a = t.Sae("SAE_A");
        Assert.Equal(HttpStatusCode.OK, (await a.EncKeysAsync("SAE_B")).Status);
        var files = Directory.GetFiles(Path.Combine(t.Dir, "certs"), "*.key").Concat(Directory.GetFiles(t.Dir, "kme_*.json")).Concat(Directory.GetFiles(t.Dir, "*-audit.jsonl")).ToList();
        Assert.Equal(6 + 2 + 2, files.Count); // keys: CA, two KMEs, two SAEs, one link device; two configs; two audit logs
        foreach (var f in files)
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f));
        }
    }

    [Fact]
    public void CertsInit_ExistingFiles_RefusedWithExit2UnlessForce()
    {
        using var dir = new TempDir();
        Assert.Equal(0, CliHarness.Run("certs", "init", "--out", dir.Path, "--kme", "KME_A").ExitCode);
        var before = File.ReadAllText(dir.File("kme_a.key"));

        var again = CliHarness.Run("certs", "init", "--out", dir.Path, "--kme", "KME_A");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--force", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(dir.File("kme_a.key")));

        Assert.Equal(0, CliHarness.Run("certs", "init", "--out", dir.Path, "--kme", "KME_A", "--force").ExitCode);
        Assert.NotEqual(before, File.ReadAllText(dir.File("kme_a.key")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir.File("kme_a.key")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir.File("ca.key")));
        }
    }

    [Fact]
    public void KmsServe_ConfigWithoutWrappingKey_RefusedWithExit2UnlessInsecureDevStore()
    {
        using var dir = new TempDir();
        var (_, paths) = DevNetwork.WriteFiles(new DevNetworkOptions { Directory = dir.Path, Kmes = 2, RunSupply = false }, DateTimeOffset.UtcNow);

        var r = CliHarness.Run("kms", "serve", "--config", paths[0]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--insecure-dev-store", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("keyWrapKey", r.Stderr, StringComparison.Ordinal);
    }
}
