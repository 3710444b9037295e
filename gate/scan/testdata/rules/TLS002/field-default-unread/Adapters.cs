using System.IO;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;

namespace Proxy
{
    public sealed class LegacyAdapter
    {
        // Read below: the default reaches AuthenticateAsServerAsync.
        private static readonly SslProtocols s_serverProtocols = SslProtocols.Ssl3 | SslProtocols.Tls | SslProtocols.Tls12;

        public Task Accept(SslStream stream, X509Certificate cert) =>
            stream.AuthenticateAsServerAsync(cert, false, s_serverProtocols, false);
    }

    public sealed class Catalogue
    {
        // Declared but never read in this file, and private: it cannot reach a sink.
        private static readonly SslProtocols s_everything = SslProtocols.Ssl2 | SslProtocols.Ssl3 | SslProtocols.Tls | SslProtocols.Tls11 | SslProtocols.Tls12;
    }

    public sealed class SharedDefaults
    {
        // Internal: other files of the assembly may hand it to a sink.
        internal static readonly SslProtocols Fallback = SslProtocols.Tls | SslProtocols.Tls11;
    }
}
