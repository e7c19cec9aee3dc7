// The build task behind wwwroot/ (AppHost.Server.targets): compiled by MSBuild's RoslynCodeTaskFactory
// at build time, not part of the package's own assembly. It does at build time what a server would
// otherwise do per request: content types, strong ETags, and Brotli and gzip copies of compressible
// files. The app then carries every file as a manifest resource, and a generated class finds a file
// by its URL path with a compiled switch, so start-up reads nothing and builds no index.
using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class AppHostEmbedWwwRoot : Task
{
    // What browsers and tools expect for the files a web UI ships; anything else is served as bytes.
    private static readonly Dictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".htm"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".mjs"] = "text/javascript; charset=utf-8",
        [".json"] = "application/json",
        [".map"] = "application/json",
        [".webmanifest"] = "application/manifest+json",
        [".txt"] = "text/plain; charset=utf-8",
        [".xml"] = "application/xml",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif",
        [".webp"] = "image/webp",
        [".avif"] = "image/avif",
        [".ico"] = "image/x-icon",
        [".woff"] = "font/woff",
        [".woff2"] = "font/woff2",
        [".wasm"] = "application/wasm",
        [".pdf"] = "application/pdf",
        [".mp4"] = "video/mp4",
        [".webm"] = "video/webm",
        [".mp3"] = "audio/mpeg",
    };

    // Text-like types shrink; images, fonts and media are compressed already.
    private static readonly string[] Compressible = { "text/", "application/json", "application/manifest+json", "application/xml", "image/svg+xml", "application/wasm", "image/x-icon" };

    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The wwwroot folder: a file's URL path is its path below it.</summary>
    [Required] public string Root { get; set; } = "";

    /// <summary>Where the compressed copies and the generated class go (under obj/).</summary>
    [Required] public string OutputDirectory { get; set; } = "";

    /// <summary>The namespace of the generated class WwwRoot: the app's root namespace.</summary>
    [Required] public string Namespace { get; set; } = "";

    [Output] public ITaskItem[] Resources { get; set; } = Array.Empty<ITaskItem>();

    [Output] public ITaskItem Source { get; set; }

    public override bool Execute()
    {
        Directory.CreateDirectory(OutputDirectory);
        string root = Path.GetFullPath(Root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var resources = new List<ITaskItem>();
        var entries = new List<string>();
        var fields = new List<string>();
        foreach (var item in Files.OrderBy(f => f.GetMetadata("FullPath"), StringComparer.Ordinal))
        {
            string full = item.GetMetadata("FullPath");
            string urlPath = "/" + full.Substring(root.Length).Replace(Path.DirectorySeparatorChar, '/');
            string resource = "wwwroot" + urlPath;
            byte[] bytes = File.ReadAllBytes(full);
            string contentType = ContentTypes.TryGetValue(Path.GetExtension(full), out var type) ? type : "application/octet-stream";
            resources.Add(Resource(full, resource));

            long brotli = 0, gzip = 0;
            if (Compressible.Any(prefix => contentType.StartsWith(prefix, StringComparison.Ordinal)))
            {
                string copies = Path.Combine(OutputDirectory, "compressed") + urlPath.Replace('/', Path.DirectorySeparatorChar);
                brotli = Compress(bytes, full, copies + ".br", brotli: true);
                gzip = Compress(bytes, full, copies + ".gz", brotli: false);
                // A copy no smaller than the file itself is not worth a Content-Encoding.
                if (brotli > 0) resources.Add(Resource(copies + ".br", resource + ".br"));
                if (gzip > 0) resources.Add(Resource(copies + ".gz", resource + ".gz"));
            }

            string field = "File" + fields.Count;
            fields.Add($"        public static readonly global::AppHost.EmbeddedFile {field} = new({Literal(resource)}, {Literal(contentType)}, {Literal(EntityTag(bytes))}, {bytes.Length}, {brotli}, {gzip});");
            entries.Add($"            {Literal(urlPath)} => Entries.{field},");
        }

        string source = Path.Combine(OutputDirectory, "WwwRoot.g.cs");
        WriteIfChanged(source, GeneratedClass(fields, entries));
        Resources = resources.ToArray();
        Source = new TaskItem(source);
        return !Log.HasLoggedErrors;
    }

    private string GeneratedClass(List<string> fields, List<string> entries) => $@"// <auto-generated/>
// Written by the AppHost.Server build from the files in wwwroot/: change those, not this.
#nullable enable
namespace {Namespace};

/// <summary>The files of wwwroot/, built into this app: served by <c>app.MapEmbeddedFiles(WwwRoot.Files)</c>.</summary>
internal static class WwwRoot
{{
    /// <summary>Every file of wwwroot/, found by its URL path (wwwroot/a/b.css is /a/b.css).</summary>
    public static global::AppHost.EmbeddedFiles Files {{ get; }} = new(typeof(WwwRoot).Assembly, Find);

    // A compiled switch: nothing is read or indexed at start-up, however many files there are.
    private static global::AppHost.EmbeddedFile? Find(string path) => path switch
        {{
{string.Join("\n", entries)}
            _ => null,
        }};

    // A class of their own, so they are made on the first file request, not at start-up.
    private static class Entries
    {{
{string.Join("\n", fields)}
    }}
}}
";

    /// <returns>The copy's length, or 0 when it would be no smaller than the file.</returns>
    private static long Compress(byte[] bytes, string source, string destination, bool brotli)
    {
        if (!File.Exists(destination) || File.GetLastWriteTimeUtc(destination) < File.GetLastWriteTimeUtc(source))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            string partial = destination + ".partial";
            using (var output = File.Create(partial))
            using (var stream = brotli ? BrotliStream(output) : new GZipStream(output, CompressionLevel.Optimal))
            {
                stream.Write(bytes, 0, bytes.Length);
            }

            File.Copy(partial, destination, overwrite: true);
            File.Delete(partial);
        }

        long length = new FileInfo(destination).Length;
        return length < bytes.Length ? length : 0;
    }

    // MSBuild compiles this task against netstandard, which has no Brotli; the .NET that runs MSBuild has it.
    private static Stream BrotliStream(Stream output)
    {
        var type = Type.GetType("System.IO.Compression.BrotliStream, System.IO.Compression.Brotli", throwOnError: true)!;
        const CompressionLevel SmallestSize = (CompressionLevel)3;
        return (Stream)Activator.CreateInstance(type, output, SmallestSize)!;
    }

    /// <summary>A strong validator from the content: the first 128 bits of its SHA-256, base64url.</summary>
    private static string EntityTag(byte[] bytes)
    {
        using var sha = SHA256.Create();
        string hash = Convert.ToBase64String(sha.ComputeHash(bytes), 0, 16).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return "\"" + hash + "\"";
    }

    private static TaskItem Resource(string file, string logicalName)
    {
        var item = new TaskItem(file);
        item.SetMetadata("LogicalName", logicalName);
        item.SetMetadata("WithCulture", "false");
        item.SetMetadata("Type", "Non-Resx");
        return item;
    }

    private static string Literal(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    // An unchanged class keeps the compiler's incremental build.
    private static void WriteIfChanged(string path, string text)
    {
        if (!File.Exists(path) || File.ReadAllText(path) != text)
        {
            File.WriteAllText(path, text, new UTF8Encoding(false));
        }
    }
}
