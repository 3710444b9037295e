using System.Diagnostics.CodeAnalysis;
using System.Net;

class Legacy
{
    void Inline()
    {
        // tlsgate:ignore TLS001 the partner gateway only speaks TLS 1.0 until 2026-06
        ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls;
        ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls11; // tlsgate:ignore TLS001
        ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls12; // tlsgate:ignore TLS001 wrong rule id
    }

#pragma warning disable CA5364 // Do not use deprecated security protocols
    void Pragma() { ServicePointManager.SecurityProtocol = SecurityProtocolType.Ssl3; }
#pragma warning restore CA5364

    void AfterPragma() { ServicePointManager.SecurityProtocol = SecurityProtocolType.Ssl3; }

    [SuppressMessage("Microsoft.Security", "CA5359:DoNotDisableCertificateValidation", Justification = "test server")]
    void Callback()
    {
        ServicePointManager.ServerCertificateValidationCallback = (a, b, c, d) => true;
    }

    void Policy() { ServicePointManager.SecurityProtocol |= SecurityProtocolType.Tls11; }
}
