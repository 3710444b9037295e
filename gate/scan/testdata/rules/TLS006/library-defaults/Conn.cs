using System.Net.Security;
using System.Security.Authentication;

public class Connection
{
    public Connection(string host) : this(host, SslProtocols.Default) { }

    public Connection(string host, SslProtocols protocols)
    {
        _ssl.AuthenticateAsClient(host, null, protocols, false);
    }

    SslStream _ssl;
}
