using System.Net.Security;
using System.Security.Authentication;

class Client
{
    const SslProtocols Modern = SslProtocols.Tls12 | SslProtocols.Tls13;

    void Connect(SslStream ssl, string host)
    {
        ssl.AuthenticateAsClient(host, null, Modern, false);
        ssl.AuthenticateAsClient(host);
        var opts = new SslClientAuthenticationOptions { TargetHost = host, EnabledSslProtocols = SslProtocols.None };
    }
}
