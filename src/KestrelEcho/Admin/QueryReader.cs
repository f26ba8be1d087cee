using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace KestrelEcho.Admin;

/// <summary>
/// Reads a query string one named parameter at a time and collects every problem under the parameter's name, so
/// one 400 lists them all. Unknown and repeated parameters are problems too: a typo in a DELETE filter must not
/// widen what it closes.
/// </summary>
internal sealed class QueryReader
{
    private readonly Dictionary<string, StringValues> _parameters = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _read = new(StringComparer.OrdinalIgnoreCase);

    public QueryReader(IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        foreach (var (name, values) in query)
        {
            _parameters[name] = _parameters.TryGetValue(name, out var earlier) ? StringValues.Concat(earlier, values) : values;
        }
    }

    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>The parameter's one value, or null when absent (or repeated, which is reported).</summary>
    public string? Single(string name)
    {
        _read.Add(name);
        if (!_parameters.TryGetValue(name, out var values))
        {
            return null;
        }

        if (values.Count != 1)
        {
            Error(name, $"'{name}' is given {values.Count} times; give it once.");
            return null;
        }

        return values[0] ?? string.Empty;
    }

    /// <summary>A whole number, zero or more.</summary>
    public int? Count(string name)
    {
        if (Single(name) is not { } value)
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return count;
        }

        Error(name, $"'{name}' must be a whole number from 0 to {int.MaxValue}; got '{Shown(value)}'.");
        return null;
    }

    /// <summary>A duration given in seconds, like every duration the admin API shows (<c>ageSeconds</c>).</summary>
    public TimeSpan? Seconds(string name)
    {
        if (Single(name) is not { } value)
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            && seconds <= TimeSpan.MaxValue.TotalSeconds)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        Error(name, $"'{name}' must be a number of seconds, 0 or more (e.g. 30 or 0.5); got '{Shown(value)}'.");
        return null;
    }

    /// <summary>One of <paramref name="choices"/>, compared without case.</summary>
    public T? Choice<T>(string name, IReadOnlyList<(string Name, T Value)> choices)
        where T : struct
    {
        if (Single(name) is not { } value)
        {
            return null;
        }

        foreach (var choice in choices)
        {
            if (string.Equals(choice.Name, value, StringComparison.OrdinalIgnoreCase))
            {
                return choice.Value;
            }
        }

        Error(name, $"'{name}' must be one of {string.Join(", ", choices.Select(static c => c.Name))}; got '{Shown(value)}'.");
        return null;
    }

    public void Error(string name, string message) => Errors[name] = [.. Errors.GetValueOrDefault(name) ?? [], message];

    /// <summary>Reports every parameter nobody read; call it last.</summary>
    public void ReportUnknown(string known)
    {
        foreach (var name in _parameters.Keys.Where(name => !_read.Contains(name)).Take(10))
        {
            Error(Shown(name), $"Unknown parameter '{Shown(name)}'; known: {known}.");
        }
    }

    /// <summary>Enough of a value to recognise it, never a 10,000-character echo.</summary>
    private static string Shown(string value) => value.Length <= 64 ? value : string.Concat(value.AsSpan(0, 64), "…");
}
