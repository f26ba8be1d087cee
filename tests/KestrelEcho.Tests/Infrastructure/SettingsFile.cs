using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Infrastructure;

/// <summary>
/// A JSON settings file that an app watches (<see cref="EchoAppFactory.WithJsonSettings"/>) as the service watches
/// its appsettings.json: edit it, then wait for the service to log what it made of the edit. It lives in a folder of
/// its own, so the file watcher watches nothing else; the folder is deleted on dispose.
/// </summary>
public sealed class SettingsFile : IDisposable
{
    private static readonly TimeSpan s_reloadTimeout = TimeSpan.FromSeconds(15);

    private readonly DirectoryInfo _folder;

    private SettingsFile(DirectoryInfo folder)
    {
        _folder = folder;
        Path = System.IO.Path.Combine(folder.FullName, "appsettings.json");
    }

    public string Path { get; }

    public static async Task<SettingsFile> CreateAsync(string json, CancellationToken cancellationToken)
    {
        var file = new SettingsFile(Directory.CreateTempSubdirectory("kestrel-echo-settings-"));
        await file.WriteAsync(json, cancellationToken);
        return file;
    }

    /// <summary>
    /// Replaces the content in one step (written aside, then renamed over the file), so the watcher never reads it
    /// half written.
    /// </summary>
    public async Task WriteAsync(string json, CancellationToken cancellationToken)
    {
        var aside = Path + ".new";
        await File.WriteAllTextAsync(aside, json, cancellationToken);
        File.Move(aside, Path, overwrite: true);
    }

    /// <summary>
    /// Writes <paramref name="json"/> and waits until <paramref name="app"/> has logged each of
    /// <paramref name="changes"/> as a <c>SettingChanged</c> line, exactly (e.g. <c>Echo:MaxConnections 10 -> 1</c>,
    /// or with its <c>(takes effect at restart)</c>).
    /// </summary>
    public async Task ChangeAsync(EchoAppFactory app, string json, params string[] changes)
    {
        var expected = changes.Select(static change => $"Setting changed: {change}").ToList();
        var before = app.Logs.All.Count;
        await WriteAsync(json, TestContext.Current.CancellationToken);
        List<string> logged = [];
        await Poll.UntilAsync(
            () =>
            {
                logged = [.. app.Logs.All.Skip(before).Where(static entry => entry.EventName == "SettingChanged").Select(static entry => entry.Message)];
                return expected.All(logged.Contains);
            },
            s_reloadTimeout,
            () => $"the service to log [{string.Join("; ", expected)}]; it logged [{string.Join("; ", logged)}]");
    }

    /// <summary>
    /// Writes <paramref name="json"/> and waits until <paramref name="app"/> has refused it, logging
    /// <c>SettingChangeRejected</c> with <paramref name="setting"/> named (the app must <c>ExpectLog</c> it: it is
    /// an Error), and no <c>SettingChanged</c> line.
    /// </summary>
    public async Task RejectAsync(EchoAppFactory app, string json, string setting)
    {
        var before = app.Logs.All.Count;
        await WriteAsync(json, TestContext.Current.CancellationToken);
        await Poll.UntilAsync(
            () => app.Logs.All.Skip(before).Any(entry => entry.EventName == "SettingChangeRejected" && entry.Message.Contains(setting, StringComparison.Ordinal)),
            s_reloadTimeout,
            $"the service to reject the change, naming {setting}");
        Assert.DoesNotContain(app.Logs.All.Skip(before), static entry => entry.EventName == "SettingChanged");
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
