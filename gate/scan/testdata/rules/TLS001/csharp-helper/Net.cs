using System.Net;

static class Net
{
    static void Enable(SecurityProtocolType protocol)
    {
        ServicePointManager.SecurityProtocol |= protocol;
    }

    static SecurityProtocolType Wanted()
    {
        return SecurityProtocolType.Tls | SecurityProtocolType.Tls12;
    }

    static void Main()
    {
        Enable(SecurityProtocolType.Ssl3);
        Enable(SecurityProtocolType.Tls12);
        ServicePointManager.SecurityProtocol = Wanted();
    }
}
