using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AppHost.Certificates;
using AppHost.Files;

namespace AppHost.Acme.Renewal;

/// <summary>
/// The files of one CA's state folder: <c>account.key.pem</c>, and per name <c>NAME/cert.pem</c> (the
/// chain exactly as the CA sent it) and <c>NAME/key.pem</c> (PKCS#8). Every write is atomic and 0600,
/// every folder 0700. The key is written before the chain, so a chain on disk always has its key.
/// </summary>
internal sealed class CertificateStore(string folder)
{
    public const string AccountKeyFile = "account.key.pem";
    public const string ChainFile = "cert.pem";
    public const string KeyFile = "key.pem";

    public string Folder { get; } = folder;

    /// <summary>The account key, made (P-256) and stored on first use so a restart finds the same account.</summary>
    public ECDsa LoadOrCreateAccountKey()
    {
        string path = Path.Combine(Folder, AccountKeyFile);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (File.Exists(path))
        {
            key.ImportFromPem(File.ReadAllText(path));
            return key;
        }

        AtomicFile.Write(path, key.ExportPkcs8PrivateKeyPem());
        return key;
    }

    public void Save(IssuedCertificate issued)
    {
        string nameFolder = NameFolder(issued.Name);
        StateFolder.CreatePrivate(nameFolder);
        AtomicFile.Write(Path.Combine(nameFolder, KeyFile), issued.KeyPem);
        AtomicFile.Write(Path.Combine(nameFolder, ChainFile), issued.ChainPem);
    }

    /// <summary>The chain exactly as stored (and as the CA sent it), or null when none is.</summary>
    public string? ReadChainPem(string name)
    {
        string path = Path.Combine(NameFolder(name), ChainFile);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    /// <summary>The stored certificate of <paramref name="name"/> with its key and intermediates, or null when none is stored.</summary>
    /// <exception cref="StartupException">A stored file is damaged or the key does not match; the message names the file.</exception>
    public ServerCertificate? Load(string name)
    {
        string chainPem = ReadChainPem(name) ?? "";
        string keyPath = Path.Combine(NameFolder(name), KeyFile);
        if (chainPem.Length == 0 || !File.Exists(keyPath))
        {
            return null;
        }

        var all = new X509Certificate2Collection();
        try
        {
            all.ImportFromPem(chainPem);
        }
        catch (CryptographicException e)
        {
            throw new StartupException($"'{Path.Combine(NameFolder(name), ChainFile)}' holds a damaged certificate; delete it to order a new one", e);
        }

        if (all.Count == 0)
        {
            throw new StartupException($"'{Path.Combine(NameFolder(name), ChainFile)}' holds no certificate; delete it to order a new one");
        }

        // PemKey tells a wrong key from a damaged one, as for --cert files; there is no password here.
        var leaf = PemKey.Attach(all[0], File.ReadAllText(keyPath), keyPath, password: null, passwordSources: "(none: ACME keys are not encrypted)");
        all[0].Dispose();
        return new ServerCertificate(leaf, new X509Certificate2Collection(all.Skip(1).ToArray()));
    }

    /// <summary>A name's folder. Names were checked as DNS names (letters, digits, '-', '.') before they get here.</summary>
    private string NameFolder(string name)
    {
        if (name.Length == 0 || name.Contains('/') || name.Contains('\\') || name is "." or "..")
        {
            throw new ArgumentException($"'{name}' is not a DNS name", nameof(name));
        }

        return Path.Combine(Folder, name.ToLowerInvariant());
    }
}
