using System.Net.Http;
using System.Net.Security;
using System.Security.Authentication;

class Tls
{
    public SslProtocols SslProtocols { get; set; } = SslProtocols.Default;

    async void Run(SslStream sslStream, string host, SslClientAuthenticationOptions options)
    {
        sslStream.AuthenticateAsClient(host, null, SslProtocols.Tls, false);
        await sslStream.AuthenticateAsClientAsync(host, null,
            SslProtocols.Tls12 | SslProtocols.Tls11, true);
        sslStream.AuthenticateAsClient(host, null, SslProtocols.Tls12, false);
        sslStream.AuthenticateAsClient(host, null, SslProtocols.None, false);
        var handler = new HttpClientHandler { SslProtocols = SslProtocols.Tls12 };
        options.EnabledSslProtocols = SslProtocols.Default;
        if (sslStream.SslProtocol == SslProtocols.Tls) { }
        sslStream.AuthenticateAsServer(cert, false, true);
        sslStream.AuthenticateAsServer(cert, false, SslProtocols.Tls | SslProtocols.Ssl3, false);
    }
}
