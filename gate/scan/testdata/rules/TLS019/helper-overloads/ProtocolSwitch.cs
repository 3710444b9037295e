using System;
using System.Net;

namespace Tools.Net
{
    public enum Protocols
    {
        Tls12 = 3072,
        Tls13 = 12288,
    }

    public static class ProtocolSwitch
    {
        // an overload that only forwards its own parameter is not a call site
        public static void Set(Protocols protocol, bool enabled = true)
        {
            Set((SecurityProtocolType)protocol, enabled);
        }

        public static void Set(SecurityProtocolType protocol, bool enabled = true)
        {
            if (enabled)
                ServicePointManager.SecurityProtocol |= protocol;
            else
                ServicePointManager.SecurityProtocol &= ~protocol;
        }

        public static bool IsSet(SecurityProtocolType protocol)
        {
            return ServicePointManager.SecurityProtocol.HasFlag(protocol);
        }
    }
}
