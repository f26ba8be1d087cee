using Microsoft.Extensions.Options;

namespace KestrelEcho.History;

internal sealed class HistoryOptionsValidator : IValidateOptions<HistoryOptions>
{
    private const string Section = HistoryOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, HistoryOptions options)
    {
        var failures = new List<string>();
        if (options.Path.Length > 0 && (options.Path.Contains('\0') || System.IO.Path.GetFileName(options.Path).Length == 0))
        {
            failures.Add($"{Section}:Path must name a file (e.g. /var/lib/kestrel-echo/history.db), or be empty for data/history.db under the content root; got '{options.Path}'.");
        }

        if (options.Retention <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:Retention must be positive (e.g. 7.00:00:00 for 7 days); got {options.Retention}.");
        }

        if (options.MaxRows < 1)
        {
            failures.Add($"{Section}:MaxRows must be 1 or more; got {options.MaxRows}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
