namespace KestrelEcho.Client.Connections;

/// <summary>
/// An expected failure to reach the echo (refused, unresolvable, TLS rejected), already worded as the one line
/// the user sees.
/// </summary>
internal sealed class EchoClientException(string message, Exception? innerException = null) : Exception(message, innerException);
