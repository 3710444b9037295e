using System.Net;

public static class DataSecurityProtocols
{
    public static void Initialize()
    {
#if DOTNET40
        ServicePointManager.SecurityProtocol = (SecurityProtocolType)3072 | (SecurityProtocolType)768 | SecurityProtocolType.Tls;
#elif NET45
        ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls12 | SecurityProtocolType.Tls11;
#else
        ServicePointManager.SecurityProtocol = SecurityProtocolType.SystemDefault;
#endif
#if DEBUG
        ServicePointManager.ServerCertificateValidationCallback = delegate { return true; };
#endif
    }
}
