using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Sockets.Secure
{
    public class SslOptionsBase
    {
        public SslOptionsBase(SslProtocols protocols, bool checkRevocation) { }
    }

    public class ClientOptions : SslOptionsBase
    {
        // the convenience constructors chain a protocol constant into the full one
        public ClientOptions(string host) : this(host, null, SslProtocols.Default, false)
        {
        }

        public ClientOptions(string host, bool modern)
            : this(host, null, SslProtocols.None, true)
        {
        }

        public ClientOptions(string host, X509CertificateCollection certs, SslProtocols protocols, bool checkRevocation)
            : base(protocols, checkRevocation)
        {
            Host = host;
        }

        public string Host { get; }
    }

    public class LegacyServerOptions : SslOptionsBase
    {
        public LegacyServerOptions() : base(SslProtocols.Tls | SslProtocols.Tls11, false) { }
    }
}
