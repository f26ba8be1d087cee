using System.Text;

namespace KestrelEcho.Client.Cli;

/// <summary>
/// Shows bytes to a person: printable UTF-8 as quoted text, anything else as its length and leading bytes in hex,
/// so binary never garbles the terminal.
/// </summary>
internal static class PayloadText
{
    private const int HexPreview = 16;

    private const int TextPreview = 200;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Describe(ReadOnlySpan<byte> bytes)
    {
        var unit = bytes.Length == 1 ? "byte" : "bytes";
        if (TryText(bytes, out var text))
        {
            var shown = text.Length > TextPreview ? $"{text[..TextPreview]}…" : text;
            return $"{bytes.Length} {unit} \"{Escape(shown)}\"";
        }

        var hex = Convert.ToHexString(bytes[..Math.Min(HexPreview, bytes.Length)]).ToLowerInvariant();
        var more = bytes.Length > HexPreview ? " …" : string.Empty;
        return $"{bytes.Length} {unit} (binary) {hex}{more}";
    }

    private static bool TryText(ReadOnlySpan<byte> bytes, out string text)
    {
        try
        {
            text = s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }

        foreach (var character in text)
        {
            if (char.IsControl(character) && character is not ('\n' or '\r' or '\t'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal)
            .Replace("\r", "\\r", StringComparison.Ordinal)
            .Replace("\t", "\\t", StringComparison.Ordinal);
}
