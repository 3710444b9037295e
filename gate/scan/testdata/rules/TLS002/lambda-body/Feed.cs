using System;
using System.IO;
using System.Net.Security;
using System.Security.Authentication;

namespace Quotes
{
    public class Feed
    {
        public void Open(SslStream stream, string host)
        {
            // the sink is the lambda body; it is reported on its own line
            if (!Retry.Within(TimeSpan.FromSeconds(5), () =>
                stream.AuthenticateAsClient(host, null, SslProtocols.Tls, false)))
                throw new IOException("handshake timed out");
        }

        public void OpenModern(SslStream stream, string host)
        {
            Retry.Within(TimeSpan.FromSeconds(5), () => stream.AuthenticateAsClient(host));
        }
    }
}
