namespace KestrelEcho.Udp;

/// <summary>The UDP echo could not bind its port: a start-up failure the operator fixes by a setting, said in one line.</summary>
internal sealed class UdpEchoBindException(string message, Exception inner) : Exception(message, inner);
