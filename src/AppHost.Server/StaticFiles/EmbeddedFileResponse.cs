using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace AppHost.StaticFiles;

/// <summary>One embedded file as the answer to a GET or HEAD: coding, validators, ranges, then the bytes.</summary>
internal static class EmbeddedFileResponse
{
    // Copied through a pooled buffer of at most this size: large files go out in pieces, small ones at once.
    private const int CopyBufferSize = 64 * 1024;

    public static async Task WriteAsync(HttpContext context, EmbeddedFiles files, EmbeddedFile file)
    {
        var request = context.Request;
        var response = context.Response;
        bool ranged = request.Headers.Range.Count > 0;
        // Ranges count bytes of the file itself, so a ranged request gets no compressed copy.
        var coding = ranged ? ContentCoding.Identity : ContentCodings.Choose(request.Headers.AcceptEncoding, file);
        string entityTag = EntityTags.ForCoding(file.EntityTag, coding);

        response.Headers.ETag = entityTag;
        // Cached copies are revalidated on each use (a 304 is cheap); URLs are not fingerprinted, so they cannot be immutable.
        response.Headers.CacheControl = "no-cache";
        response.Headers.AcceptRanges = "bytes";
        if (file.BrotliLength > 0 || file.GzipLength > 0)
        {
            response.Headers.Vary = "Accept-Encoding";
        }

        if (EntityTags.NoneMatchFails(request.Headers.IfNoneMatch, entityTag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.ContentType = file.ContentType;
        (string resource, long length) = coding switch
        {
            ContentCoding.Brotli => (file.Resource + ".br", file.BrotliLength),
            ContentCoding.Gzip => (file.Resource + ".gz", file.GzipLength),
            _ => (file.Resource, file.Length),
        };
        if (coding != ContentCoding.Identity)
        {
            response.Headers.ContentEncoding = coding == ContentCoding.Brotli ? "br" : "gzip";
        }

        long first = 0, count = length;
        if (ranged && EntityTags.RangeStillApplies(request.Headers.IfRange, entityTag))
        {
            switch (ByteRanges.Parse(request.Headers.Range, length, out first, out long last))
            {
                case ByteRanges.Outcome.Unsatisfiable:
                    response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                    response.Headers.ContentRange = $"bytes */{length}";
                    response.ContentLength = 0;
                    return;
                case ByteRanges.Outcome.Part:
                    response.StatusCode = StatusCodes.Status206PartialContent;
                    response.Headers.ContentRange = $"bytes {first}-{last}/{length}";
                    count = last - first + 1;
                    break;
                default:
                    first = 0;
                    break;
            }
        }

        response.ContentLength = count;
        if (HttpMethods.IsHead(request.Method))
        {
            return;
        }

        await using var stream = files.Open(resource);
        stream.Position = first;
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(count, CopyBufferSize));
        try
        {
            while (count > 0)
            {
                int read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(count, buffer.Length)), context.RequestAborted);
                if (read == 0)
                {
                    break;
                }

                await response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                count -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
