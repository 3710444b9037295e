using System;
using System.Net;

namespace Portal
{
    internal static class Startup
    {
        static bool Toggle(SecurityProtocolType protocol, bool on)
        {
            try
            {
                if (on)
                    ServicePointManager.SecurityProtocol |= protocol;
                else
                    ServicePointManager.SecurityProtocol &= ~protocol;
                return true;
            }
            catch (NotSupportedException)
            {
                return false;
            }
        }

        // the helper adds when on and removes when off: judge each call site
        // as an addition (TLS001 / TLS005), never as a pin (TLS003)
        public static void Configure()
        {
            Toggle(SecurityProtocolType.Tls12, true);
            Toggle(SecurityProtocolType.Tls11, true);
        }
    }
}
