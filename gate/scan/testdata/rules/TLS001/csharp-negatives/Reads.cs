using System;
using System.Net;

class Reads
{
    void A()
    {
        if (ServicePointManager.SecurityProtocol.HasFlag(SecurityProtocolType.Tls)) { Console.WriteLine("tls"); }
        switch (ServicePointManager.SecurityProtocol)
        {
            case SecurityProtocolType.Ssl3: break;
            case SecurityProtocolType.Tls: break;
        }
        bool old = ServicePointManager.SecurityProtocol == SecurityProtocolType.Tls;
        ServicePointManager.SecurityProtocol &= ~(SecurityProtocolType.Ssl3 | SecurityProtocolType.Tls | SecurityProtocolType.Tls11);
        ServicePointManager.SecurityProtocol = ServicePointManager.SecurityProtocol & ~SecurityProtocolType.Tls;
        if ((ServicePointManager.SecurityProtocol & SecurityProtocolType.Tls11) != 0)
        {
            ServicePointManager.SecurityProtocol ^= SecurityProtocolType.Tls11;
        }
        var s = "ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls;";
        // ServicePointManager.SecurityProtocol = SecurityProtocolType.Ssl3;
        /* ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls; */
        ServicePointManager.SecurityProtocol = SecurityProtocolType.SystemDefault;
        ServicePointManager.SecurityProtocol = (SecurityProtocolType)0;
        Log(SecurityProtocolType.Tls.ToString());
        string v = @"ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls";
        string r = """
            ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls;
            """;
        string name = nameof(SecurityProtocolType.Tls11);
    }

    /// <summary>Do not write ServicePointManager.SecurityProtocol = SecurityProtocolType.Ssl3.</summary>
    void Log(string s) { }
}
