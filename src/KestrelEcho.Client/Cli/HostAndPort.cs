using System.Globalization;

namespace KestrelEcho.Client.Cli;

/// <summary>
/// A <c>HOST:PORT</c> argument (<c>[::1]:9001</c> for an IPv6 literal, or a host alone), as people copy it from a
/// log or a listener's settings.
/// </summary>
internal static class HostAndPort
{
    public static bool TryParse(string text, out string host, out int? port)
    {
        host = text;
        port = null;
        string portText;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = text[1..close];
            if (close == text.Length - 1)
            {
                return host.Length > 0;
            }

            if (text[close + 1] != ':')
            {
                return false;
            }

            portText = text[(close + 2)..];
        }
        else
        {
            var colon = text.LastIndexOf(':');

            // More than one colon without brackets is an IPv6 literal with no port.
            if (colon < 0 || text.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                return text.Length > 0;
            }

            host = text[..colon];
            portText = text[(colon + 1)..];
        }

        if (host.Length == 0 || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value is < 1 or > 65535)
        {
            return false;
        }

        port = value;
        return true;
    }
}
