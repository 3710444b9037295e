using System.Net;

class Protocols
{
    // a user constant named like an enum member: its value is TLS 1.0
    const SecurityProtocolType Tls12 = (SecurityProtocolType)192;
    const int Legacy = 768;
    static readonly SecurityProtocolType Allowed = SecurityProtocolType.Tls12 | SecurityProtocolType.Tls11;

    void A() { ServicePointManager.SecurityProtocol = Tls12; }
    void B() { ServicePointManager.SecurityProtocol = (SecurityProtocolType)Legacy; }
    void C() { ServicePointManager.SecurityProtocol = Allowed; }
    void D()
    {
        var p = SecurityProtocolType.Ssl3;
        ServicePointManager.SecurityProtocol |= p;
    }
}
