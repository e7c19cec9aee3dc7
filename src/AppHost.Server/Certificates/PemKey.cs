using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AppHost.Certificates;

/// <summary>Joins a PEM private key to its certificate, telling apart a wrong password, a missing key and a key of another certificate.</summary>
internal static class PemKey
{
    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string EcOid = "1.2.840.10045.2.1";

    /// <param name="certificate">The certificate, without a key.</param>
    /// <param name="keyPem">The text holding the key: the key file, or the certificate file when the key is inside it.</param>
    /// <param name="keyPath">The file the key comes from, for messages.</param>
    /// <param name="password">The password of an encrypted key, or null.</param>
    /// <param name="passwordSources">Where a password can be given, for messages: "--cert-password-file FILE or SHOP_CERT_PASSWORD".</param>
    public static X509Certificate2 Attach(X509Certificate2 certificate, string keyPem, string keyPath, string? password, string passwordSources)
    {
        bool encrypted = keyPem.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal);
        if (encrypted && string.IsNullOrEmpty(password))
        {
            throw new StartupException($"key '{keyPath}' is encrypted; give its password with {passwordSources}");
        }

        return certificate.GetKeyAlgorithm() switch
        {
            RsaOid => Join(certificate, RSA.Create(), keyPem, keyPath, encrypted ? password : null, passwordSources, static (c, k) => c.CopyWithPrivateKey(k)),
            EcOid => Join(certificate, ECDsa.Create(), keyPem, keyPath, encrypted ? password : null, passwordSources, static (c, k) => c.CopyWithPrivateKey(k)),
            var other => throw new StartupException($"certificate key algorithm {other} is not supported; use an RSA or ECDSA certificate"),
        };
    }

    private static X509Certificate2 Join<TKey>(X509Certificate2 certificate, TKey key, string keyPem, string keyPath, string? password, string passwordSources,
        Func<X509Certificate2, TKey, X509Certificate2> copyWithKey)
        where TKey : AsymmetricAlgorithm
    {
        using (key)
        {
            try
            {
                if (password is null)
                {
                    key.ImportFromPem(keyPem);
                }
                else
                {
                    key.ImportFromEncryptedPem(keyPem, password);
                }
            }
            catch (ArgumentException)
            {
                // No key block of this certificate's algorithm (RSA or EC) was found in the text.
                throw new StartupException($"'{keyPath}' holds no private key for this {key.SignatureAlgorithm ?? "certificate's"} certificate; pass the key it was issued with (--key FILE)");
            }
            catch (CryptographicException e) when (password is not null)
            {
                throw new StartupException($"key '{keyPath}' could not be decrypted: the password is wrong; check {passwordSources}", e);
            }
            catch (CryptographicException e)
            {
                throw new StartupException($"'{keyPath}' holds no usable private key for this certificate (of another algorithm, or damaged); pass the key it was issued with (--key FILE)", e);
            }

            try
            {
                return copyWithKey(certificate, key);
            }
            catch (ArgumentException)
            {
                throw new StartupException($"key '{keyPath}' does not belong to the certificate (their public keys differ); pass the key that was issued with it");
            }
        }
    }
}
