namespace Qkd.Gateway.Sealing;

/// <summary>
/// Files of a hybrid sender's ML-DSA-65 key: the 32-byte seed (secret, created with mode 0600 from the start) and
/// the public key in the same path + ".pub" (for the receivers' configuration).
/// </summary>
public static class SigningKeyFiles
{
    public sealed record Written(string SeedPath, string PublicKeyPath);

    /// <summary>Generates a key pair into <paramref name="seedPath"/>; refuses to overwrite unless <paramref name="force"/>.</summary>
    public static Written Create(string seedPath, bool force)
    {
        var full = Path.GetFullPath(seedPath);
        var pub = full + ".pub";
        if (!force && (File.Exists(full) || File.Exists(pub)))
        {
            throw new ArgumentException($"{full} already exists; pass --force to replace the sender's signing key (receivers must then get the new public key).");
        }
        var key = MlDsa65.Generate();
        var seed = key.ExportSeed();
        try
        {
            File.Delete(full);
            using (var f = PrivateFile.CreateNew(full))
            {
                f.Write(seed);
            }
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(seed);
        }
        File.WriteAllBytes(pub, key.PublicKey);
        return new Written(full, pub);
    }

    /// <summary>Loads the signing key from its seed file.</summary>
    public static MlDsa65 LoadSigner(string seedPath)
    {
        if (!File.Exists(seedPath))
        {
            throw new ArgumentException($"No ML-DSA-65 signing key at {seedPath}: create it with `qkd gateway keygen`, and give {seedPath}.pub to the receiver.");
        }
        var seed = File.ReadAllBytes(seedPath);
        try
        {
            return MlDsa65.FromSeed(seed);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>Loads a sender's public key.</summary>
    public static byte[] LoadPublicKey(string path)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"No ML-DSA-65 public key at {path}: the sender creates it with `qkd gateway keygen`.");
        }
        return MlDsa65.CheckPublicKey(File.ReadAllBytes(path), "in " + path);
    }
}
