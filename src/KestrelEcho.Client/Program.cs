using KestrelEcho.Client.Cli;

return await EchoCommandLine.InvokeAsync(args, ClientConsole.System());
