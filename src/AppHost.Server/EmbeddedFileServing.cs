using AppHost.StaticFiles;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AppHost;

/// <summary>Serves the files of wwwroot/ that the build put inside the app, from memory, with nothing on disk.</summary>
public static class EmbeddedFileServing
{
    /// <summary>
    /// Answers GET and HEAD for the path of an embedded file: Brotli or gzip by Accept-Encoding
    /// (q-values respected, <c>Vary: Accept-Encoding</c>), a strong ETag with 304 for If-None-Match,
    /// a single byte range (206, or 416 when unsatisfiable), and <c>Cache-Control: no-cache</c>.
    /// Endpoints come first; a path that is not exactly that of an embedded file (whatever its
    /// encoding: <c>..</c>, <c>%2e%2e</c>, <c>%2f</c>, backslashes) passes on, and ends as 404.
    /// </summary>
    /// <param name="app">The app.</param>
    /// <param name="files">The files: the app's generated <c>WwwRoot.Files</c>.</param>
    /// <returns>The app, for chaining.</returns>
    public static IApplicationBuilder MapEmbeddedFiles(this IApplicationBuilder app, EmbeddedFiles files) =>
        app.Use((context, next) =>
        {
            var request = context.Request;
            return context.GetEndpoint() is null
                && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
                && request.Path.Value is { } path
                && files.Find(path) is { } file
                ? EmbeddedFileResponse.WriteAsync(context, files, file)
                : next(context);
        });
}
