using System;
using System.Net.Security;
using System.Security.Authentication;

namespace Chat.Net
{
    public class ClientSettings
    {
        private SslProtocols _protocols;
        private string _host;

        public ClientSettings()
        {
            _protocols = SslProtocols.Default;
        }

        public ClientSettings(string host)
        {
            _host = host;
            _protocols = SslProtocols.Tls12;
        }

        public ClientSettings(ClientSettings other)
        {
            _protocols = other._protocols;
        }

        public SslProtocols Protocols
        {
            get { return _protocols; }
            set { _protocols = value; }
        }

        public static string Describe()
        {
            // a local only read for display is not a sink
            var shown = SslProtocols.Tls;
            return shown.ToString();
        }
    }
}
