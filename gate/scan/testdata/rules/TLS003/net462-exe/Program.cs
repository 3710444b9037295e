using System.Net;

static class Program
{
    static void Main()
    {
        ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls12;
        ServicePointManager.SecurityProtocol = SecurityProtocolType.SystemDefault;
    }
}
