using System.Net;

class Old
{
    void A() { ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls; }
}
