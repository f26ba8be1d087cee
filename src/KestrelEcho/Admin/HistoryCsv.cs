using System.Globalization;
using System.Text;
using KestrelEcho.History;

namespace KestrelEcho.Admin;

/// <summary>
/// The history as CSV (RFC 4180): a header row, then the columns of <see cref="HistoryConnectionView"/> in its order,
/// written as the rows are read, so an export of millions of rows holds one row in memory at a time.
/// </summary>
internal static class HistoryCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    public const string Header =
        "id,stage,transport,remoteAddress,remotePort,localEndPoint,proxy,connectedAt,closedAt,durationSeconds,bytesReceived,bytesSent,closeReason,refused";

    private const int RowsPerFlush = 1000;

    /// <summary>Writes <paramref name="first"/> (already read, so a broken database was reported before the answer started) and the rest.</summary>
    public static async Task WriteAsync(HttpResponse response, HistoryRecord? first, IAsyncEnumerator<HistoryRecord> rest, CancellationToken cancellationToken)
    {
        response.ContentType = ContentType;
        await using var writer = new StreamWriter(response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true);
        await writer.WriteAsync(Header + "\r\n");
        var line = new StringBuilder(256);
        var record = first;
        for (var rows = 1; record is not null; rows++)
        {
            line.Clear();
            AppendRow(line, record);
            await writer.WriteAsync(line, cancellationToken);
            if (rows % RowsPerFlush == 0)
            {
                await writer.FlushAsync(cancellationToken);
            }

            record = await rest.MoveNextAsync() ? rest.Current : null;
        }
    }

    private static void AppendRow(StringBuilder line, HistoryRecord record)
    {
        var invariant = CultureInfo.InvariantCulture;
        Append(line, record.Id).Append(',');
        Append(line, record.Stage).Append(',');
        Append(line, record.Transport).Append(',');
        Append(line, record.RemoteAddress?.ToString()).Append(',');
        line.Append(record.RemotePort?.ToString(invariant)).Append(',');
        Append(line, record.LocalEndPoint).Append(',');
        Append(line, record.Proxy).Append(',');
        line.Append(record.ConnectedAt.ToString("O", invariant)).Append(',');
        line.Append(record.ClosedAt.ToString("O", invariant)).Append(',');
        line.Append(record.DurationSeconds.ToString("R", invariant)).Append(',');
        line.Append(record.BytesReceived.ToString(invariant)).Append(',');
        line.Append(record.BytesSent.ToString(invariant)).Append(',');
        Append(line, record.CloseReason).Append(',');
        line.Append(record.Refused ? "true" : "false").Append("\r\n");
    }

    /// <summary>Quoted only when it must be; nothing the service stores needs it today, but a field never breaks a row.</summary>
    private static StringBuilder Append(StringBuilder line, string? field)
    {
        if (field is null)
        {
            return line;
        }

        return field.AsSpan().IndexOfAny(",\"\r\n") < 0
            ? line.Append(field)
            : line.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
