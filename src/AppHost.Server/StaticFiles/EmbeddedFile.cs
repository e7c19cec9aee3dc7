namespace AppHost;

/// <summary>One file of wwwroot/ as the build embedded it. The build writes these (the app's generated WwwRoot class).</summary>
/// <param name="Resource">The manifest resource of the file itself; its compressed copies are this name with .br and .gz.</param>
/// <param name="ContentType">The Content-Type, from the file's extension.</param>
/// <param name="EntityTag">A strong ETag of the content, quoted.</param>
/// <param name="Length">The file's length in bytes.</param>
/// <param name="BrotliLength">The Brotli copy's length, or 0 when there is none.</param>
/// <param name="GzipLength">The gzip copy's length, or 0 when there is none.</param>
public sealed record EmbeddedFile(string Resource, string ContentType, string EntityTag, long Length, long BrotliLength, long GzipLength);
