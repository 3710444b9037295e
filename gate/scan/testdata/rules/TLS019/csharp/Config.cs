using System.Configuration;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;

class Config
{
    void Apply(SslStream s, string host, SslProtocols protocols)
    {
        ServicePointManager.SecurityProtocol = (SecurityProtocolType)int.Parse(ConfigurationManager.AppSettings["protocols"]);
        s.AuthenticateAsClient(host, null, protocols, false);
    }
}
