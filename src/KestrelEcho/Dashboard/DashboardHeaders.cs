namespace KestrelEcho.Dashboard;

/// <summary>The headers every dashboard response carries: what the browser may run, load and guess.</summary>
internal static class DashboardHeaders
{
    /// <summary>
    /// Scripts and styles from this origin only, no inline script and no <c>eval</c>. <c>ws:</c>/<c>wss:</c> because the
    /// "try it" box talks to the WebSocket echo on the HTTP port, another origin when the page comes from the
    /// management port. Styles set from script (the chart library sizes its canvas so) are not inline styles.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static void Apply(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
