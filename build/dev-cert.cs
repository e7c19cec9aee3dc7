// Writes a throwaway self-signed certificate for localhost (a .pfx without password, valid 30 days) for trying HTTPS.
// Run: dotnet run build/dev-cert.cs -- OUT.pfx   (touches no certificate store; never use it on a server)
#:property PublishAot=false

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

if (args.Length != 1)
{
    Console.Error.WriteLine("error: give the .pfx file to write, for example: dotnet run build/dev-cert.cs -- artifacts/dev-cert/localhost.pfx");
    return 2;
}

using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
var names = new SubjectAlternativeNameBuilder();
names.AddDnsName("localhost");
names.AddIpAddress(IPAddress.Loopback);
names.AddIpAddress(IPAddress.IPv6Loopback);
request.CertificateExtensions.Add(names.Build());
// serverAuth: browsers and curl refuse a server certificate without it.
request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));

string path = Path.GetFullPath(args[0]);
Directory.CreateDirectory(Path.GetDirectoryName(path)!);
// Written beside the target and renamed, so an interrupted run never leaves half a file.
string partial = path + ".partial";
File.WriteAllBytes(partial, certificate.Export(X509ContentType.Pkcs12));
File.Move(partial, path, overwrite: true);
Console.WriteLine(path);
Console.Error.WriteLine($"certificate for localhost, SHA-256 {certificate.GetCertHashString(HashAlgorithmName.SHA256)}, expires {certificate.NotAfter:yyyy-MM-dd}");
return 0;
