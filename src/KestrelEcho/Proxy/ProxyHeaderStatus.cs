namespace KestrelEcho.Proxy;

internal enum ProxyHeaderStatus
{
    /// <summary>A whole, valid header; the bytes after it are the client's.</summary>
    Parsed,

    /// <summary>The bytes so far are the start of a v1 or v2 signature: it is too early to tell.</summary>
    IncompleteSignature,

    /// <summary>A v1 or v2 signature arrived, but not the rest of the header yet.</summary>
    IncompleteHeader,

    /// <summary>The bytes do not start with a v1 or v2 signature.</summary>
    NoSignature,

    /// <summary>A signature followed by something the specification does not allow.</summary>
    Invalid,
}
