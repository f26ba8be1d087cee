using Microsoft.Net.Http.Headers;

namespace KestrelEcho.Dashboard;

/// <summary>Serves one <see cref="DashboardAsset"/>, or 304 when the browser already has this version.</summary>
internal sealed class DashboardAssetResult(DashboardAsset asset) : IResult
{
    /// <summary>A year, the most the HTTP caching rules give any meaning to.</summary>
    private const string ImmutableCacheControl = "public, max-age=31536000, immutable";

    /// <summary>Our own files change with the service: the browser may keep them, but asks first (a 304 when unchanged).</summary>
    private const string RevalidateCacheControl = "no-cache";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        DashboardHeaders.Apply(response);
        response.Headers.CacheControl = asset.Immutable ? ImmutableCacheControl : RevalidateCacheControl;
        response.Headers.ETag = asset.ETag;
        if (httpContext.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Content.Length;
        return response.Body.WriteAsync(asset.Content, httpContext.RequestAborted).AsTask();
    }
}
