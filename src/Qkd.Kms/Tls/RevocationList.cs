using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.X509;

namespace Qkd.Kms.Tls;

/// <summary>
/// The CRL file named by <c>tls.crl</c> (PEM or DER, RFC 5280 section 5), signed by the configured CA
/// (checked, else the KME does not start). Re-read when the file changes (looked at no more than once
/// per <see cref="RecheckPeriod"/>); a CRL that no longer verifies keeps the last good one in force.
/// </summary>
public sealed class RevocationList
{
    internal static readonly TimeSpan RecheckPeriod = TimeSpan.FromSeconds(1);

    private readonly string _path;
    private readonly Org.BouncyCastle.X509.X509Certificate _ca;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private HashSet<BigInteger> _revoked;
    private DateTime _fileTime;
    private DateTimeOffset _checkedAt;

    public RevocationList(string path, X509Certificate2 ca, TimeProvider time)
    {
        _path = path;
        _time = time;
        _ca = new X509CertificateParser().ReadCertificate(ca.RawData);
        _fileTime = File.GetLastWriteTimeUtc(path);
        _revoked = Read(path, _ca) ?? throw new ArgumentException($"tls.crl '{path}' is not a CRL signed by tls.caCert.");
        _checkedAt = time.GetUtcNow();
    }

    /// <summary>True when <paramref name="cert"/>'s serial number is on the list.</summary>
    public bool IsRevoked(X509Certificate2 cert)
    {
        Refresh();
        var serial = new BigInteger(cert.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true);
        lock (_gate)
        {
            return _revoked.Contains(serial);
        }
    }

    private void Refresh()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (now - _checkedAt < RecheckPeriod)
            {
                return;
            }
            _checkedAt = now;
        }
        var fileTime = File.Exists(_path) ? File.GetLastWriteTimeUtc(_path) : _fileTime;
        if (fileTime == _fileTime)
        {
            return;
        }
        if (Read(_path, _ca) is { } fresh)
        {
            lock (_gate)
            {
                _revoked = fresh;
                _fileTime = fileTime;
            }
        }
    }

    private static HashSet<BigInteger>? Read(string path, Org.BouncyCastle.X509.X509Certificate ca)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var crl = new X509CrlParser().ReadCrl(stream);
            if (crl is null)
            {
                return null;
            }
            crl.Verify(ca.GetPublicKey());
            var set = new HashSet<BigInteger>();
            if (crl.GetRevokedCertificates() is { } entries)
            {
                foreach (var entry in entries)
                {
                    set.Add(new BigInteger(entry.SerialNumber.ToByteArrayUnsigned(), isUnsigned: true, isBigEndian: true));
                }
            }
            return set;
        }
        catch (Exception e) when (e is IOException or Org.BouncyCastle.Security.SecurityUtilityException or Org.BouncyCastle.Security.Certificates.CrlException
                                   or Org.BouncyCastle.Security.InvalidKeyException or Org.BouncyCastle.Security.SignatureException or ArgumentException)
        {
            return null;
        }
    }
}
